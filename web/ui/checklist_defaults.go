package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// useDefaultChecklists creates Attest's default templates for the kinds and
// employment types that have none, applying from the day given.
func (h *Handler) useDefaultChecklists(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "since")
	made, err := h.Checklists.UseDefaults(r.Context(), c.P, f.Values["since"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderChecklists(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/checklists", fmt.Sprintf("%d checklist template(s) created.", len(made)))
}
