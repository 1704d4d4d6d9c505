package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiApproveRisk is the named approver's sign-off of an accepted risk.
func (h *Handler) apiApproveRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	x, err := h.Risks.ApproveAcceptance(r.Context(), c.P, r.PathValue("ref"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, riskOut(x))
	return nil
}
