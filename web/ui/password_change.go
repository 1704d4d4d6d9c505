package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// changePassword replaces the password and signs out every other session, which
// is what someone changing a possibly leaked password wants.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	err := h.Users.ChangePassword(r.Context(), c.P, c.Session.TokenHash,
		r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if web.UserError(err) {
		f.Fail(err)
		factors, ferr := h.Users.Factors(r.Context(), c.P)
		if ferr != nil {
			return ferr
		}
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "account", factors, f)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/account", "Your password was changed. Other sessions were signed out.")
}
