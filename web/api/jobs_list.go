package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiJobs returns the install's job processes, alive or lost, and its
// queue by kind and state: `attest jobs --json`, for an admin's script.
func (h *Handler) apiJobs(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ov, err := h.JobBoard.OverviewFor(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, ov.JSON())
	return nil
}
