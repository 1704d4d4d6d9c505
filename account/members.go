package account

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// Members invites people into an organization, changes their roles and removes
// them. Every method but the invitation's own (Invitation, Accept) is for
// admins.
type Members struct {
	DB             *store.DB
	Now            func() time.Time // nil: time.Now
	InvitationTTL  time.Duration    // how long an invitation link works; zero: 7 days
	PasswordParams auth.Params      // zero: auth.DefaultParams
}

func (s *Members) ttl() time.Duration {
	if s.InvitationTTL <= 0 {
		return 7 * 24 * time.Hour
	}
	return s.InvitationTTL
}

// List returns the members of p's organization, by name.
func (s *Members) List(ctx context.Context, p attest.Principal) ([]attest.Membership, error) {
	if !p.Can(attest.ActAdmin) {
		return nil, forbidden(p)
	}
	return s.DB.Members(ctx, p.OrgID)
}

// Pending returns the invitations of p's organization that can still be accepted.
func (s *Members) Pending(ctx context.Context, p attest.Principal) ([]attest.Invitation, error) {
	if !p.Can(attest.ActAdmin) {
		return nil, forbidden(p)
	}
	return s.DB.PendingInvitations(ctx, p.OrgID)
}

// Invite invites email into p's organization with role. It returns the
// invitation and the secret of its link, /invitations/SECRET, which exists
// only in this return value: the database keeps its hash. Inviting a member is
// ECONFLICT on the email field.
func (s *Members) Invite(ctx context.Context, p attest.Principal, email, role string) (attest.Invitation, string, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Invitation{}, "", forbidden(p)
	}
	r, err := attest.ParseRole(role)
	if err != nil {
		return attest.Invitation{}, "", err
	}
	inv := attest.Invitation{OrgID: p.OrgID, Email: email, Role: r, InvitedBy: p.UserID, ExpiresAt: clock(s.Now).Add(s.ttl())}
	secret := auth.NewSecret("")
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		// Refuse inviting someone who is already a member: the link would fail later.
		if u, err := tx.UserByEmail(ctx, email); err == nil {
			if _, err := tx.Membership(ctx, p.OrgID, u.ID); err == nil {
				return &attest.Error{Code: attest.ECONFLICT, Field: "email", Message: u.Email + " is already a member"}
			}
		}
		if err := tx.CreateInvitation(ctx, &inv, auth.HashSecret(secret)); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("member.invited", "invitation", idString(inv.ID), "Invited "+inv.Email+" as "+string(inv.Role)))
	})
	if err != nil {
		return inv, "", err
	}
	return inv, secret, nil
}

// RevokeInvitation withdraws an invitation of p's organization; one of another
// organization is ENOTFOUND.
func (s *Members) RevokeInvitation(ctx context.Context, p attest.Principal, id int64) (attest.Invitation, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Invitation{}, forbidden(p)
	}
	var inv attest.Invitation
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if inv, err = tx.RevokeInvitation(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("member.invitation_revoked", "invitation", idString(inv.ID), "Withdrew the invitation of "+inv.Email))
	})
	return inv, err
}

// Invited is what an invitation link shows before it is accepted.
type Invited struct {
	Invitation attest.Invitation
	Org        attest.Organization
	HasAccount bool // an account with the invited email exists: its owner signs in first
	WrongUser  bool // p is signed in as someone else
}

// Invitation looks up a pending invitation by its link's secret for p, who may
// be anonymous. An expired, withdrawn or used one is ENOTFOUND with a message
// meant for the person holding the link.
func (s *Members) Invitation(ctx context.Context, p attest.Principal, token string) (Invited, error) {
	var v Invited
	inv, err := s.DB.InvitationByHash(ctx, auth.HashSecret(token))
	if err != nil {
		return v, err
	}
	if !inv.Pending(clock(s.Now)) {
		return v, attest.Errorf(attest.ENOTFOUND, "This invitation has expired, was withdrawn, or was already used. Ask an admin for a new one.")
	}
	org, err := s.DB.OrgByID(ctx, inv.OrgID)
	if err != nil {
		return v, err
	}
	v.Invitation, v.Org = inv, org
	if _, err := s.DB.UserByEmail(ctx, inv.Email); err == nil {
		v.HasAccount = true
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return v, err
	}
	v.WrongUser = p.UserID != 0 && p.Label != inv.Email
	return v, nil
}

// Accept accepts the invitation with the given link secret. A signed-in p
// (UserID set, Label its email) joins with their account, which must be the
// invited one (else EFORBIDDEN). An anonymous p creates the invited account
// with name and password, unless it exists: then EUNAUTHORIZED, and its owner
// signs in first. It returns the organization joined and the member's user
// (new accounts need a session).
func (s *Members) Accept(ctx context.Context, p attest.Principal, token, name, password string) (attest.Organization, attest.User, error) {
	v, err := s.Invitation(ctx, p, token)
	if err != nil {
		return attest.Organization{}, attest.User{}, err
	}
	var user attest.User
	switch {
	case v.WrongUser:
		return v.Org, user, attest.Errorf(attest.EFORBIDDEN, "This invitation is for %s. Sign out first to accept it.", v.Invitation.Email)
	case p.UserID != 0:
		if user, err = s.DB.UserByID(ctx, p.UserID); err != nil {
			return v.Org, user, err
		}
		if user.Email != v.Invitation.Email { // whatever p's label says
			return v.Org, attest.User{}, attest.Errorf(attest.EFORBIDDEN, "This invitation is for %s. Sign out first to accept it.", v.Invitation.Email)
		}
	case v.HasAccount:
		return v.Org, user, attest.Errorf(attest.EUNAUTHORIZED, "An account for %s exists: sign in to accept this invitation.", v.Invitation.Email)
	default:
		if err := attest.ValidatePassword(password); err != nil {
			return v.Org, user, err
		}
		hash, err := auth.HashPassword(password, params(s.PasswordParams))
		if err != nil {
			return v.Org, user, err
		}
		user = attest.User{Email: v.Invitation.Email, Name: name, PasswordHash: hash}
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.MarkInvitationAccepted(ctx, v.Invitation.ID); err != nil {
			return err
		}
		if user.ID == 0 {
			if err := tx.CreateUser(ctx, &user); err != nil {
				return err
			}
		}
		if v.Invitation.AuditID != 0 {
			// An invitation into one audit: the auditor's grant, no membership.
			if err := tx.JoinAuditor(ctx, v.Org.ID, v.Invitation.AuditID, user.Email, user.ID); err != nil {
				return err
			}
			return tx.Log(ctx, as(p, user).Actor().Record(v.Org.ID, "audit.auditor_joined", "audit", idString(v.Invitation.AuditID),
				user.Email+" accepted an invitation and joined an audit as its auditor"))
		}
		if err := tx.AddMember(ctx, v.Org.ID, user.ID, v.Invitation.Role); err != nil {
			return err
		}
		return tx.Log(ctx, as(p, user).Actor().Record(v.Org.ID, "member.joined", "membership", idString(user.ID),
			user.Email+" accepted an invitation and joined as "+string(v.Invitation.Role)))
	})
	return v.Org, user, err
}

// Member returns one member of p's organization; a user of another
// organization is ENOTFOUND.
func (s *Members) Member(ctx context.Context, p attest.Principal, userID int64) (attest.Membership, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Membership{}, forbidden(p)
	}
	return s.DB.Membership(ctx, p.OrgID, userID)
}

// ChangeRole gives a member of p's organization another role. Demoting the
// last admin is EINVALID (field role). It returns the membership with its new
// role.
func (s *Members) ChangeRole(ctx context.Context, p attest.Principal, userID int64, role string) (attest.Membership, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Membership{}, forbidden(p)
	}
	var m attest.Membership
	var r attest.Role
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		// Not a member is ENOTFOUND whatever the role says, as on the settings page.
		if m, err = tx.Membership(ctx, p.OrgID, userID); err != nil {
			return err
		}
		if r, err = attest.ParseRole(role); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, p.OrgID, userID, r); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("member.role_changed", "membership", idString(userID),
			fmt.Sprintf("Changed the role of %s from %s to %s", m.User.Email, m.Role, r)))
	})
	if err == nil {
		m.Role = r
	}
	return m, err
}

// Remove ends a membership of p's organization: the member's API tokens there
// are revoked and what they owned becomes unowned. Removing the last admin is
// EINVALID (field role). It returns the membership as it was.
func (s *Members) Remove(ctx context.Context, p attest.Principal, userID int64) (attest.Membership, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Membership{}, forbidden(p)
	}
	var m attest.Membership
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if m, err = tx.Membership(ctx, p.OrgID, userID); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, p.OrgID, userID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("member.removed", "membership", idString(userID),
			"Removed "+m.User.Email+" ("+string(m.Role)+"), revoked their API tokens and unassigned their controls and tasks"))
	})
	return m, err
}
