package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type riskAssessmentsView struct {
	Assessments []attest.RiskAssessment
	Members     []attest.Membership
	Today       string
}

// riskAssessmentsPage lists the annual risk assessments with the form to
// submit today's register for approval.
func (h *Handler) riskAssessmentsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderRiskAssessments(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderRiskAssessments(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	v := riskAssessmentsView{Today: attest.Today(h.Now())}
	var err error
	if v.Assessments, err = h.Risks.Assessments(r.Context(), c.P); err != nil {
		return err
	}
	if v.Members, err = h.ownerChoices(r.Context(), c.P.OrgID); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "risk_assessments", v, f)
	return nil
}
