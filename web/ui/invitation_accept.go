package ui

import (
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

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
