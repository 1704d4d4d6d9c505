package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) updateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	f, ch, err := readControlForm(r)
	ctl := before
	if err == nil {
		ctl, err = h.Controls.Update(r.Context(), c.P, before.ID, ch)
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
