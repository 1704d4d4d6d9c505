package account

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// Orgs creates and renames organizations.
type Orgs struct {
	DB             *store.DB
	PasswordParams auth.Params // zero: auth.DefaultParams
}

// Create creates an organization without members. It is an operator's act (the
// command line, demo seeding), never a member's: p must be a system principal
// coming through the CLI or the system door.
func (s *Orgs) Create(ctx context.Context, p attest.Principal, org attest.Organization) (attest.Organization, error) {
	if p.UserID != 0 || (p.Via != attest.ViaCLI && p.Via != attest.ViaSystem) {
		return org, attest.Errorf(attest.EFORBIDDEN, "organizations are created by an operator, from the command line")
	}
	if err := attest.ValidateOrg(&org); err != nil {
		return org, err
	}
	summary := "Created the organization " + org.Name
	if p.Via == attest.ViaCLI {
		summary += " from the command line"
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateOrg(ctx, &org); err != nil {
			return err
		}
		p.OrgID = org.ID
		return tx.Log(ctx, p.Record("org.created", "organization", org.Slug, summary))
	})
	return org, err
}

// SetUp is the one-time set-up form: the first organization and its admin.
type SetUp struct {
	Token            string // the secret of the set-up link
	OrgSlug, OrgName string
	Name, Email      string
	Password         string
}

// CheckSetUp reports whether a set-up link still works: ENOTFOUND when it is
// invalid, expired, used, or the install already has an admin.
func (s *Orgs) CheckSetUp(ctx context.Context, token string) error {
	return s.DB.CheckSetupToken(ctx, auth.HashSecret(token))
}

// SetUp consumes the set-up link and creates the first organization with in's
// person as its admin. p is the anonymous visitor (address, door); the entry
// names the new admin. Validation errors of the organization's fields are
// named org_slug and org_name, as on the form.
func (s *Orgs) SetUp(ctx context.Context, p attest.Principal, in SetUp) (attest.Organization, attest.User, error) {
	secretHash := auth.HashSecret(in.Token)
	if err := s.DB.CheckSetupToken(ctx, secretHash); err != nil {
		return attest.Organization{}, attest.User{}, err
	}
	if err := attest.ValidatePassword(in.Password); err != nil {
		return attest.Organization{}, attest.User{}, err
	}
	// Hash before the transaction: argon2 takes a while and must not hold it open.
	hash, err := auth.HashPassword(in.Password, params(s.PasswordParams))
	if err != nil {
		return attest.Organization{}, attest.User{}, err
	}
	org := attest.Organization{Slug: in.OrgSlug, Name: in.OrgName}
	u := attest.User{Email: in.Email, Name: in.Name, PasswordHash: hash}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UseSetupToken(ctx, secretHash); err != nil {
			return err
		}
		if err := tx.CreateOrg(ctx, &org); err != nil {
			return prefixField(err, "org_")
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, org.ID, u.ID, attest.RoleAdmin); err != nil {
			return err
		}
		return tx.Log(ctx, as(p, u).Actor().Record(org.ID, "org.created", "organization", org.Slug,
			"Created the organization "+org.Name+" with "+u.Email+" as its first admin"))
	})
	return org, u, err
}

// Rename changes the display name of p's organization; admins only. Errors
// name the field org_name, as on the settings form.
func (s *Orgs) Rename(ctx context.Context, p attest.Principal, name string) (attest.Organization, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Organization{}, forbidden(p)
	}
	var org attest.Organization
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if org, err = tx.OrgByID(ctx, p.OrgID); err != nil {
			return err
		}
		if err := tx.RenameOrg(ctx, org.ID, name); err != nil {
			return prefixField(err, "org_")
		}
		old := org.Name
		if org, err = tx.OrgByID(ctx, p.OrgID); err != nil {
			return err
		}
		if org.Name == old {
			return nil // an unchanged save renames nothing, and logs nothing
		}
		return tx.Log(ctx, p.Record("org.renamed", "organization", org.Slug,
			fmt.Sprintf("Renamed the organization from %q to %q", old, org.Name)))
	})
	return org, err
}
