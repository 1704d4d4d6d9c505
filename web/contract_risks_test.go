package web_test

import (
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// riskParams gives every call a fresh risk of alpha's whose acceptance waits
// for the caller's sign-off, and an assessment submitted to the caller, so
// that the named approver's routes find theirs.
func riskParams(e *webtest.Env, who string, _ records) map[string]string {
	approver := e.Users[who]
	if who == "anonymous" || who == "outsider" {
		approver = e.Users["admin"]
	}
	owner := e.Users["admin"]
	if owner.ID == approver.ID {
		owner = e.Users["manager"]
	}
	r := attest.Risk{OrgID: e.Alpha.ID, Title: "Stolen laptop", Category: "physical", OwnerID: owner.ID, Likelihood: 3, Impact: 3,
		ResidualLikelihood: 2, ResidualImpact: 2, Treatment: attest.TreatAccept, ApproverID: approver.ID, AcceptExpires: "2099-12-31",
		ReviewDate: "2099-01-01", Status: attest.RiskOpen}
	if err := e.DB.CreateRisk(ctx, &r); err != nil {
		e.T.Fatal(err)
	}
	a := attest.RiskAssessment{OrgID: e.Alpha.ID, UID: attest.NewUID("ra_"), AsOf: "2026-01-05", State: attest.AssessmentSubmitted,
		SubmittedBy: owner.ID, ApproverID: approver.ID, Scale: attest.DefaultRiskScale, Risks: []attest.AssessedRisk{}}
	if err := e.DB.AddRiskAssessment(ctx, &a); err != nil {
		e.T.Fatal(err)
	}
	return map[string]string{"/risks/{key}": r.Ref, "/risks/{ref}": r.Ref, "/risk-assessments/{key}": a.UID, "/risk-assessments/{uid}": a.UID}
}

// The risk register: readers of the programme see it, editors change it, the
// named approver (any member who works) signs off and approves.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/risks":                           web.Read,
		"POST /o/{org}/risks":                          web.Edit,
		"POST /o/{org}/risks/adopt":                    web.Edit,
		"POST /o/{org}/risks/import":                   web.Edit,
		"GET /o/{org}/risks/import":                    web.Edit, // reloads after a refused form go back to its page
		"POST /o/{org}/risks/scale":                    web.Admin,
		"PUT /api/v1/orgs/{org}/risk-scale":            web.Admin,
		"GET /o/{org}/risks/export":                    web.Read,
		"GET /o/{org}/risks/{key}":                     web.Read,
		"POST /o/{org}/risks/{key}":                    web.Edit,
		"POST /o/{org}/risks/{key}/controls":           web.Edit,
		"GET /o/{org}/risks/{key}/controls":            web.Edit,
		"POST /o/{org}/risks/{key}/accept":             web.Edit,
		"GET /o/{org}/risks/{key}/accept":              web.Edit,
		"POST /o/{org}/risks/{key}/approve":            web.Work,
		"GET /o/{org}/risks/{key}/approve":             web.Work,
		"POST /o/{org}/risks/{key}/retire":             web.Edit,
		"GET /o/{org}/risks/{key}/retire":              web.Edit,
		"POST /o/{org}/risks/{key}/review":             web.Edit,
		"GET /o/{org}/risks/{key}/review":              web.Edit,
		"POST /api/v1/orgs/{org}/risks/{ref}/review":   web.Edit,
		"GET /o/{org}/risk-assessments":                web.Read,
		"POST /o/{org}/risk-assessments":               web.Edit,
		"GET /o/{org}/risk-assessments/{key}":          web.Read,
		"POST /o/{org}/risk-assessments/{key}/approve": web.Work,

		"GET /api/v1/orgs/{org}/risks":                           web.Read,
		"POST /api/v1/orgs/{org}/risks":                          web.Edit,
		"POST /api/v1/orgs/{org}/risks/import":                   web.Edit,
		"GET /api/v1/orgs/{org}/risks/export":                    web.Read,
		"GET /api/v1/orgs/{org}/risks/{ref}":                     web.Read,
		"PUT /api/v1/orgs/{org}/risks/{ref}":                     web.Edit,
		"DELETE /api/v1/orgs/{org}/risks/{ref}":                  web.Edit,
		"POST /api/v1/orgs/{org}/risks/{ref}/accept":             web.Edit,
		"POST /api/v1/orgs/{org}/risks/{ref}/approve":            web.Work,
		"GET /api/v1/orgs/{org}/risk-library":                    web.Read,
		"GET /api/v1/orgs/{org}/risk-assessments":                web.Read,
		"POST /api/v1/orgs/{org}/risk-assessments":               web.Edit,
		"GET /api/v1/orgs/{org}/risk-assessments/{uid}":          web.Read,
		"POST /api/v1/orgs/{org}/risk-assessments/{uid}/approve": web.Work,
	},
	params: riskParams,
	form: func(fx records) url.Values {
		return url.Values{"title": {"Vendor outage"}, "likelihood": {"3"}, "impact": {"4"}, "residual_likelihood": {"2"}, "residual_impact": {"4"},
			"treatment": {"mitigate"}, "review_date": {"2099-01-01"}, "library": {"RL-4"}, "approver": {"0"}, "accept_expires": {"2099-06-30"},
			"scale_likelihood": {"5"}, "scale_impact": {"5"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/risks": map[string]any{"title": "Vendor outage", "owner": "admin@alpha.test", "likelihood": 3, "impact": 4,
			"treatment": "mitigate", "review_date": "2099-01-01"},
		"PUT /api/v1/orgs/{org}/risks/{ref}": map[string]any{"title": "Vendor outage", "owner": "admin@alpha.test", "likelihood": 3, "impact": 4,
			"treatment": "mitigate", "review_date": "2099-01-01"},
		"POST /api/v1/orgs/{org}/risks/{ref}/accept":             map[string]any{"approver": "manager@alpha.test", "expires": "2099-06-30"},
		"POST /api/v1/orgs/{org}/risks/import":                   webtest.CSV("title,owner,likelihood,impact,treatment,review_date\nFlood,admin@alpha.test,2,3,transfer,2099-01-01\n"),
		"POST /api/v1/orgs/{org}/risk-assessments":               map[string]any{"approver": "manager@alpha.test"},
		"POST /api/v1/orgs/{org}/risk-assessments/{uid}/approve": nil,
	},
})
