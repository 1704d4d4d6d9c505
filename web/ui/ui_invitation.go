package ui

import (
	"context"
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// An invitation link lets its holder join an organization with a role: a new
// person creates an account on the spot; an existing user signs in first.

type invitationView struct {
	Invitation attest.Invitation
	Org        attest.Organization
	HasAccount bool // an account with the invited email exists
	WrongUser  bool // signed in as someone else
}

func (h *Handler) loadInvitation(ctx context.Context, c *web.Ctx, token string) (invitationView, error) {
	var v invitationView
	inv, err := h.DB.InvitationByHash(ctx, auth.HashSecret(token))
	if err != nil {
		return v, err
	}
	if !inv.Pending(h.Now()) {
		return v, attest.Errorf(attest.ENOTFOUND, "This invitation has expired, was withdrawn, or was already used. Ask an admin for a new one.")
	}
	org, err := h.DB.OrgByID(ctx, inv.OrgID)
	if err != nil {
		return v, err
	}
	v.Invitation, v.Org = inv, org
	if _, err := h.DB.UserByEmail(ctx, inv.Email); err == nil {
		v.HasAccount = true
	} else if attest.ErrorCode(err) != attest.ENOTFOUND {
		return v, err
	}
	v.WrongUser = c.User != nil && c.User.Email != inv.Email
	return v, nil
}

func (h *Handler) invitationPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	v, err := h.loadInvitation(r.Context(), c, r.PathValue("token"))
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, http.StatusOK, "invitation", v, &web.Form{Values: map[string]string{}, Errors: map[string]string{}})
	return nil
}

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	token := r.PathValue("token")
	v, err := h.loadInvitation(ctx, c, token)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "name", "password")
	password := f.Values["password"]
	delete(f.Values, "password")

	var user attest.User
	switch {
	case v.WrongUser:
		return attest.Errorf(attest.EFORBIDDEN, "This invitation is for %s. Sign out first to accept it.", v.Invitation.Email)
	case c.User != nil:
		user = *c.User
	case v.HasAccount:
		// An existing account must prove it is theirs by signing in.
		q := url.Values{"next": {"/invitations/" + token}, "email": {v.Invitation.Email}}
		http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
		return nil
	default:
		if err := attest.ValidatePassword(password); err != nil {
			f.Fail(err)
			h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "invitation", v, f)
			return nil
		}
		hash, err := auth.HashPassword(password, h.PasswordParams)
		if err != nil {
			return err
		}
		user = attest.User{Email: v.Invitation.Email, Name: f.Values["name"], PasswordHash: hash}
	}
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.MarkInvitationAccepted(ctx, v.Invitation.ID); err != nil {
			return err
		}
		if user.ID == 0 {
			if err := tx.CreateUser(ctx, &user); err != nil {
				return err
			}
		}
		if err := tx.AddMember(ctx, v.Org.ID, user.ID, v.Invitation.Role); err != nil {
			return err
		}
		actor := c.P.Actor()
		actor.UserID, actor.Label = user.ID, user.Email
		return tx.Log(ctx, actor.Record(v.Org.ID, "member.joined", "membership", idString(user.ID),
			user.Email+" accepted an invitation and joined as "+string(v.Invitation.Role)))
	})
	if web.UserError(err) {
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "invitation", v, f)
		return nil
	}
	if err != nil {
		return err
	}
	if c.User == nil {
		if err := h.StartSession(w, r, user.ID); err != nil {
			return err
		}
	}
	return h.Redirect(w, r, "/o/"+v.Org.Slug, "You joined "+v.Org.Name+".")
}
