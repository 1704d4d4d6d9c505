package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiDeleteTest removes one of the organization's own tests.
func (h *Handler) apiDeleteTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Monitor.DeleteTest(r.Context(), c.P, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
