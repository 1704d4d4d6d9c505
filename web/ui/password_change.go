package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// changePassword replaces the password and signs out every other session, which
// is what someone changing a possibly leaked password wants.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	if ok, _ := auth.CheckPassword(c.User.PasswordHash, current); !ok {
		f.Errors["current"] = "is not your current password"
	} else if err := attest.ValidatePassword(next); err != nil {
		f.Fail(err)
	} else if next != confirm {
		f.Errors["confirm"] = "does not match the new password"
	}
	if len(f.Errors) > 0 {
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "account", nil, f)
		return nil
	}
	hash, err := auth.HashPassword(next, h.PasswordParams)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ms, err := h.DB.Memberships(ctx, c.User.ID)
	if err != nil {
		return err
	}
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetPasswordHash(ctx, c.User.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherSessions(ctx, c.User.ID, c.Session.TokenHash); err != nil {
			return err
		}
		// Account security events belong in every organization the user can act in.
		for _, m := range ms {
			if err := tx.Log(ctx, c.P.Actor().Record(m.Org.ID, "user.password_changed", "user", idString(c.User.ID),
				c.User.Email+" changed their password; other sessions were signed out")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/account", "Your password was changed. Other sessions were signed out.")
}
