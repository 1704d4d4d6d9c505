package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) removeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := controlID(r)
	if err != nil {
		return err
	}
	req := r.PostFormValue("requirement")
	ctl, err := h.Controls.Unmap(r.Context(), c.P, id, r.PostFormValue("framework"), req)
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" no longer maps to "+req+".")
}
