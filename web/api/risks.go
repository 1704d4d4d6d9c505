package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// riskRoutes: the risk register, its library and its annual assessments.
// Readers of the programme read; editors change; the named approver signs
// off an acceptance or approves an assessment (the service checks the name).
func (h *Handler) riskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/risks", web.Read, h.apiRisks),
		route("POST", "/orgs/{org}/risks", web.Edit, h.apiCreateRisk),
		route("POST", "/orgs/{org}/risks/import", web.Edit, h.apiImportRisks),
		route("GET", "/orgs/{org}/risks/export", web.Read, h.apiExportRisks),
		route("GET", "/orgs/{org}/risks/{ref}", web.Read, h.apiRisk),
		route("PUT", "/orgs/{org}/risks/{ref}", web.Edit, h.apiUpdateRisk),
		route("DELETE", "/orgs/{org}/risks/{ref}", web.Edit, h.apiRetireRisk),
		route("POST", "/orgs/{org}/risks/{ref}/accept", web.Edit, h.apiAcceptRisk),
		route("POST", "/orgs/{org}/risks/{ref}/approve", web.Work, h.apiApproveRisk),
		route("POST", "/orgs/{org}/risks/{ref}/review", web.Edit, h.apiReviewRisk),
		route("GET", "/orgs/{org}/risk-library", web.Read, h.apiRiskLibrary),
		route("PUT", "/orgs/{org}/risk-scale", web.Admin, h.apiSetRiskScale),
		route("GET", "/orgs/{org}/risk-assessments", web.Read, h.apiRiskAssessments),
		route("POST", "/orgs/{org}/risk-assessments", web.Edit, h.apiStartRiskAssessment),
		route("GET", "/orgs/{org}/risk-assessments/{uid}", web.Read, h.apiRiskAssessment),
		route("POST", "/orgs/{org}/risk-assessments/{uid}/approve", web.Work, h.apiApproveRiskAssessment),
	}
}

// riskIn is a risk as a request body names it: owner and approver by
// member email.
type riskIn struct {
	Title              string   `json:"title"`
	Description        string   `json:"description"`
	Category           string   `json:"category"`
	Owner              string   `json:"owner"`
	Likelihood         int      `json:"likelihood"`
	Impact             int      `json:"impact"`
	ResidualLikelihood int      `json:"residual_likelihood"`
	ResidualImpact     int      `json:"residual_impact"`
	Treatment          string   `json:"treatment"`
	TreatmentNote      string   `json:"treatment_note"`
	Controls           []string `json:"controls"`
	ReviewDate         string   `json:"review_date"`
	Status             string   `json:"status"`
	Approver           string   `json:"approver"`
	AcceptExpires      string   `json:"accept_expires"`
	// Library adopts a library risk (POST only): the other fields but owner
	// are then ignored.
	Library string `json:"library"`
}

// memberID resolves a member's email; "" is none.
func (h *Handler) memberID(r *http.Request, c *web.Ctx, field, email string) (int64, error) {
	if email == "" {
		return 0, nil
	}
	ids, err := h.Policies.MemberIDs(r.Context(), c.P, field, []string{email})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

func (h *Handler) riskOf(r *http.Request, c *web.Ctx, in riskIn) (attest.Risk, error) {
	x := attest.Risk{Title: in.Title, Description: in.Description, Category: in.Category, Likelihood: in.Likelihood, Impact: in.Impact,
		ResidualLikelihood: in.ResidualLikelihood, ResidualImpact: in.ResidualImpact, Treatment: in.Treatment, TreatmentNote: in.TreatmentNote,
		Controls: in.Controls, ReviewDate: in.ReviewDate, Status: in.Status, AcceptExpires: in.AcceptExpires}
	if x.ResidualLikelihood == 0 && x.ResidualImpact == 0 {
		x.ResidualLikelihood, x.ResidualImpact = x.Likelihood, x.Impact
	}
	var err error
	if x.OwnerID, err = h.memberID(r, c, "owner", in.Owner); err != nil {
		return x, err
	}
	x.ApproverID, err = h.memberID(r, c, "approver", in.Approver)
	return x, err
}

func riskOut(x attest.Risk) attest.Risk {
	x.Controls = nonNil(x.Controls)
	return x
}
