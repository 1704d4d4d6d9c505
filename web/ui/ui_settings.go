package ui

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type settingsView struct {
	PublicKey   string
	KeyID       string
	Members     []attest.Membership
	Invitations []attest.Invitation
	InviteLink  string // shown once, right after an invitation is created
	InviteEmail string
}

func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderSettings(w, r, c, http.StatusOK, settingsView{}, nil)
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v settingsView, f *web.Form) error {
	ctx := r.Context()
	var err error
	if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
		return err
	}
	if v.Invitations, err = h.DB.PendingInvitations(ctx, c.Org.ID); err != nil {
		return err
	}
	if h.Evidence != nil {
		pub := h.Evidence.Key.Public().(ed25519.PublicKey)
		v.PublicKey, v.KeyID = ledger.EncodePublicKey(pub), ledger.KeyID(pub)
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"org_name": c.Org.Name, "role": string(attest.RoleEmployee)}, Errors: map[string]string{}}
	}
	if f.Values["org_name"] == "" {
		f.Values["org_name"] = c.Org.Name
	}
	h.RenderForm(w, r, c, status, "settings", v, f)
	return nil
}

func (h *Handler) updateSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "org_name")
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RenameOrg(ctx, c.Org.ID, f.Values["org_name"]); err != nil {
			return prefixField(err, "org_")
		}
		return tx.Log(ctx, c.P.Record("org.renamed", "organization", c.Org.Slug, fmt.Sprintf("Renamed the organization from %q to %q", c.Org.Name, f.Values["org_name"])))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", "Settings saved.")
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "email", "role")
	inv, link, err := h.CreateInvitation(r.Context(), c, f.Values["email"], f.Values["role"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.renderSettings(w, r, c, http.StatusCreated, settingsView{InviteLink: link, InviteEmail: inv.Email}, nil)
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "invitation not found")
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		inv, err := tx.RevokeInvitation(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("member.invitation_revoked", "invitation", idString(inv.ID), "Withdrew the invitation of "+inv.Email))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", "The invitation was withdrawn.")
}

// memberParam reads {user} and loads that member of the current organization; a
// user of another organization is not found.
func (h *Handler) memberParam(r *http.Request, c *web.Ctx) (attest.Membership, error) {
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return attest.Membership{}, attest.Errorf(attest.ENOTFOUND, "member not found")
	}
	return h.DB.Membership(r.Context(), c.Org.ID, id)
}

func (h *Handler) changeRole(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	m, err := h.memberParam(r, c)
	if err != nil {
		return err
	}
	role, err := attest.ParseRole(r.PostFormValue("role"))
	if err == nil {
		ctx := r.Context()
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SetRole(ctx, c.Org.ID, m.User.ID, role); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("member.role_changed", "membership", idString(m.User.ID),
				fmt.Sprintf("Changed the role of %s from %s to %s", m.User.Email, m.Role, role)))
		})
	}
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" is now "+string(role)+".")
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	m, err := h.memberParam(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.RemoveMember(ctx, c.Org.ID, m.User.ID); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("member.removed", "membership", idString(m.User.ID),
			"Removed "+m.User.Email+" ("+string(m.Role)+"), revoked their API tokens and unassigned their controls and tasks"))
	})
	if web.UserError(err) {
		h.SetFlash(w, "error", attest.ErrorMessage(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" was removed.")
}
