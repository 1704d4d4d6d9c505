package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "token not found")
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		t, err := tx.RevokeToken(ctx, c.Org.ID, c.User.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("token.revoked", "api_token", idString(t.ID), "Revoked API token "+t.Name+" ("+t.Prefix+"…)"))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/tokens", "The token was revoked.")
}
