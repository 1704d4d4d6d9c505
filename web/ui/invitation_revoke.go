package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

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
