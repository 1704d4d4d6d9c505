package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) retireControl(retire bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
		ctl, err := h.LoadControl(r, c)
		if err != nil {
			return err
		}
		action, verb := "control.retired", "Retired"
		if !retire {
			action, verb = "control.restored", "Restored"
		}
		ctx := r.Context()
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SetControlRetired(ctx, c.Org.ID, ctl.ID, retire); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record(action, "control", ctl.Ref, verb+" "+ctl.Ref+" "+ctl.Name))
		})
		if err != nil {
			return err
		}
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), verb+" "+ctl.Ref+".")
	}
}
