package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// approveRiskAssessment is the named approver's approval of an assessment.
func (h *Handler) approveRiskAssessment(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	path := "/o/" + c.Org.Slug + "/risk-assessments/" + r.PathValue("key")
	a, err := h.Risks.ApproveAssessment(r.Context(), c.P, r.PathValue("key"))
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		return h.Redirect(w, r, path, "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, path, "Risk assessment of "+a.AsOf+" approved and added to the ledger.")
}
