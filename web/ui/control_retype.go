package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// retypeMapping changes how strongly a control meets a requirement; a library
// mapping so changed becomes the organization's own.
func (h *Handler) retypeMapping(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := controlID(r)
	if err != nil {
		return err
	}
	req, typ := r.PostFormValue("requirement"), r.PostFormValue("type")
	ctl, err := h.Controls.Retype(r.Context(), c.P, id, r.PostFormValue("framework"), req, typ)
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, id), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ctl.ID), fmt.Sprintf("%s now meets %s as %s.", ctl.Ref, req, typ))
}
