package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) deleteFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Frameworks.Delete(r.Context(), c.P, r.PathValue("key")); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/frameworks", "The framework was deleted.")
}
