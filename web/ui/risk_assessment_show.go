package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type riskAssessmentView struct {
	Assessment attest.RiskAssessment
	MayApprove bool
}

// riskAssessmentPage shows an assessment: the register as it was frozen.
func (h *Handler) riskAssessmentPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.Risks.Assessment(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "risk_assessment", riskAssessmentView{Assessment: a,
		MayApprove: a.State == attest.AssessmentSubmitted && a.ApproverID == c.P.UserID})
	return nil
}
