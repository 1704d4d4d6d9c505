package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) retireControl(retire bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
		id, err := controlID(r)
		if err != nil {
			return err
		}
		change, verb := h.Controls.Retire, "Retired"
		if !retire {
			change, verb = h.Controls.Restore, "Restored"
		}
		ctl, err := change(r.Context(), c.P, id)
		if err != nil {
			return err
		}
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), verb+" "+ctl.Ref+".")
	}
}
