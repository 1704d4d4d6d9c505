package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// approveRiskAcceptance is the named approver's sign-off of an accepted risk.
func (h *Handler) approveRiskAcceptance(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	_, err := h.Risks.ApproveAcceptance(r.Context(), c.P, r.PathValue("key"))
	return h.afterRiskAction(w, r, c, err, "Acceptance signed off.")
}
