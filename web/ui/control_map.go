package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) addMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := controlID(r)
	if err != nil {
		return err
	}
	req := strings.TrimSpace(r.PostFormValue("requirement"))
	ctl, err := h.Controls.Map(r.Context(), c.P, id, r.PostFormValue("framework"), req, r.PostFormValue("type"))
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, id), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), ctl.Ref+" now maps to "+req+".")
}
