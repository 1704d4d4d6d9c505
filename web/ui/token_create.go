package ui

import (
	"net/http"

	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "expires")
	in := account.NewToken{Name: f.Values["name"]}
	valid := false
	for _, e := range tokenExpiries {
		if e.Value == f.Values["expires"] {
			valid, in.Days = true, e.Days
		}
	}
	if !valid {
		f.Errors["expires"] = "choose one of the offered lifetimes"
		return h.renderTokens(w, r, c, http.StatusUnprocessableEntity, "", f)
	}
	_, secret, err := h.Users.CreateToken(r.Context(), c.P, in)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTokens(w, r, c, http.StatusUnprocessableEntity, "", f)
	}
	if err != nil {
		return err
	}
	// The secret is rendered once, in this response, and never again.
	return h.renderTokens(w, r, c, http.StatusCreated, secret, &web.Form{Values: map[string]string{"expires": "90"}, Errors: map[string]string{}})
}
