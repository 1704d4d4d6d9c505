package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// deleteChecklistStep removes a step from its template; its completions stay.
func (h *Handler) deleteChecklistStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "step", "checklist step")
	if err != nil {
		return err
	}
	if err := h.Checklists.DeleteStep(r.Context(), c.P, id); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/checklists", "Step removed.")
}
