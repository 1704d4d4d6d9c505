package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiTests lists the organization's tests with the counts of their current
// results, failing tests first.
func (h *Handler) apiTests(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	sums, err := h.Monitor.Summaries(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tests": sums})
	return nil
}
