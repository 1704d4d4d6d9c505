package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) deleteSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := h.Scope.DeleteSubservice(r.Context(), c.P, id); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", "Subservice organization removed.")
}
