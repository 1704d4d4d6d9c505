package web

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	s.renderForm(w, r, c, http.StatusOK, "account", nil, &form{Values: map[string]string{}, Errors: map[string]string{}})
	return nil
}

// changePassword replaces the password and signs out every other session, which
// is what someone changing a possibly leaked password wants.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := &form{Values: map[string]string{}, Errors: map[string]string{}}
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm")
	if ok, _ := auth.CheckPassword(c.User.PasswordHash, current); !ok {
		f.Errors["current"] = "is not your current password"
	} else if err := attest.ValidatePassword(next); err != nil {
		f.fail(err)
	} else if next != confirm {
		f.Errors["confirm"] = "does not match the new password"
	}
	if len(f.Errors) > 0 {
		s.renderForm(w, r, c, http.StatusUnprocessableEntity, "account", nil, f)
		return nil
	}
	hash, err := auth.HashPassword(next, s.cfg.PasswordParams)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ms, err := s.cfg.DB.Memberships(ctx, c.User.ID)
	if err != nil {
		return err
	}
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SetPasswordHash(ctx, c.User.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherSessions(ctx, c.User.ID, c.Session.TokenHash); err != nil {
			return err
		}
		// Account security events belong in every organization the user can act in.
		for _, m := range ms {
			if err := tx.Log(ctx, c.Actor.Record(m.Org.ID, "user.password_changed", "user", idString(c.User.ID),
				c.User.Email+" changed their password; other sessions were signed out")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "Your password was changed. Other sessions were signed out.")
}
