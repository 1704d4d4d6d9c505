package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) updateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	ctl := before
	f, err := applyControlForm(r, &ctl)
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.UpdateControl(ctx, &ctl); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("control.updated", "control", ctl.Ref, web.DescribeControlChange(before, ctl)))
		})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderControl(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" saved.")
}
