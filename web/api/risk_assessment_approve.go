package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiApproveRiskAssessment is the named approver's approval; the snapshot
// goes into the ledger.
func (h *Handler) apiApproveRiskAssessment(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.Risks.ApproveAssessment(r.Context(), c.P, r.PathValue("uid"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}
