package web

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

type settingsView struct {
	PublicKey   string
	KeyID       string
	Members     []attest.Membership
	Invitations []attest.Invitation
	InviteLink  string // shown once, right after an invitation is created
	InviteEmail string
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	return s.renderSettings(w, r, c, http.StatusOK, settingsView{}, nil)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, c *Ctx, status int, v settingsView, f *form) error {
	ctx := r.Context()
	var err error
	if v.Members, err = s.cfg.DB.Members(ctx, c.Org.ID); err != nil {
		return err
	}
	if v.Invitations, err = s.cfg.DB.PendingInvitations(ctx, c.Org.ID); err != nil {
		return err
	}
	if s.cfg.Evidence != nil {
		pub := s.cfg.Evidence.Key.Public().(ed25519.PublicKey)
		v.PublicKey, v.KeyID = ledger.EncodePublicKey(pub), ledger.KeyID(pub)
	}
	if f == nil {
		f = &form{Values: map[string]string{"org_name": c.Org.Name, "role": string(attest.RoleEmployee)}, Errors: map[string]string{}}
	}
	if f.Values["org_name"] == "" {
		f.Values["org_name"] = c.Org.Name
	}
	s.renderForm(w, r, c, status, "settings", v, f)
	return nil
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := newForm(r, "org_name")
	ctx := r.Context()
	err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RenameOrg(ctx, c.Org.ID, f.Values["org_name"]); err != nil {
			return prefixField(err, "org_")
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "org.renamed", "organization", c.Org.Slug, fmt.Sprintf("Renamed the organization from %q to %q", c.Org.Name, f.Values["org_name"])))
	})
	if userError(err) {
		f.fail(err)
		return s.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/settings", "Settings saved.")
}

// createInvitation is shared by the UI and the API. The link holds the only
// copy of the secret; the database keeps its hash.
func (s *Server) createInvitation(ctx context.Context, c *Ctx, email, role string) (attest.Invitation, string, error) {
	r, err := attest.ParseRole(role)
	if err != nil {
		return attest.Invitation{}, "", err
	}
	inv := attest.Invitation{OrgID: c.Org.ID, Email: email, Role: r, InvitedBy: c.User.ID, ExpiresAt: s.cfg.Now().Add(s.cfg.InvitationTTL)}
	secret := auth.NewSecret("")
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		// Refuse inviting someone who is already a member: the link would fail later.
		if u, err := tx.UserByEmail(ctx, email); err == nil {
			if _, err := tx.Membership(ctx, c.Org.ID, u.ID); err == nil {
				return &attest.Error{Code: attest.ECONFLICT, Field: "email", Message: u.Email + " is already a member"}
			}
		}
		if err := tx.CreateInvitation(ctx, &inv, auth.HashSecret(secret)); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "member.invited", "invitation", idString(inv.ID), "Invited "+inv.Email+" as "+string(inv.Role)))
	})
	if err != nil {
		return inv, "", err
	}
	return inv, s.cfg.BaseURL + "/invitations/" + secret, nil
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := newForm(r, "email", "role")
	inv, link, err := s.createInvitation(r.Context(), c, f.Values["email"], f.Values["role"])
	if userError(err) {
		f.fail(err)
		return s.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, c, http.StatusCreated, settingsView{InviteLink: link, InviteEmail: inv.Email}, nil)
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "invitation not found")
	}
	ctx := r.Context()
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		inv, err := tx.RevokeInvitation(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "member.invitation_revoked", "invitation", idString(inv.ID), "Withdrew the invitation of "+inv.Email))
	})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/settings", "The invitation was withdrawn.")
}

// memberParam reads {user} and loads that member of the current organization; a
// user of another organization is not found.
func (s *Server) memberParam(r *http.Request, c *Ctx) (attest.Membership, error) {
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return attest.Membership{}, attest.Errorf(attest.ENOTFOUND, "member not found")
	}
	return s.cfg.DB.Membership(r.Context(), c.Org.ID, id)
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	m, err := s.memberParam(r, c)
	if err != nil {
		return err
	}
	role, err := attest.ParseRole(r.PostFormValue("role"))
	if err == nil {
		ctx := r.Context()
		err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SetRole(ctx, c.Org.ID, m.User.ID, role); err != nil {
				return err
			}
			return tx.Log(ctx, c.Actor.Record(c.Org.ID, "member.role_changed", "membership", idString(m.User.ID),
				fmt.Sprintf("Changed the role of %s from %s to %s", m.User.Email, m.Role, role)))
		})
	}
	if userError(err) {
		s.setFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" is now "+string(role)+".")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	m, err := s.memberParam(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RemoveMember(ctx, c.Org.ID, m.User.ID); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "member.removed", "membership", idString(m.User.ID),
			"Removed "+m.User.Email+" ("+string(m.Role)+"), revoked their API tokens and unassigned their controls and tasks"))
	})
	if userError(err) {
		s.setFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" was removed.")
}
