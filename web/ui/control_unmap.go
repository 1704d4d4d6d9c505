package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) removeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	fw, req := r.PostFormValue("framework"), r.PostFormValue("requirement")
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.Unmap(ctx, c.Org.ID, ctl.ID, fw, req); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("control.unmapped", "control", ctl.Ref, fmt.Sprintf("Unmapped %s from %s %s", ctl.Ref, fw, req)))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" no longer maps to "+req+".")
}
