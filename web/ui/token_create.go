package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "expires")
	t := attest.APIToken{OrgID: c.Org.ID, UserID: c.User.ID, Name: f.Values["name"]}
	valid := false
	for _, e := range tokenExpiries {
		if e.Value == f.Values["expires"] {
			valid = true
			if e.Days > 0 {
				t.ExpiresAt = h.Now().AddDate(0, 0, e.Days)
			}
		}
	}
	if !valid {
		f.Errors["expires"] = "choose one of the offered lifetimes"
		return h.renderTokens(w, r, c, http.StatusUnprocessableEntity, "", f)
	}
	secret := auth.NewSecret("atk_")
	t.Prefix = secret[:12]
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateToken(ctx, &t, auth.HashSecret(secret)); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("token.created", "api_token", idString(t.ID), "Created API token "+t.Name+" ("+t.Prefix+"…)"))
	})
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
