package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// vendorSeq numbers the vendors the contract creates, unique within the
// shared world of GET requests.
var vendorSeq atomic.Int64

// vendorParams gives every call a vendor of alpha's with a draft review
// and a checklist item, so that each route finds its records.
func vendorParams(e *webtest.Env) map[string]string {
	e.T.Helper()
	admin := attest.Principal{UserID: e.Users["admin"].ID, Label: "admin", OrgID: e.Alpha.ID, Role: attest.RoleAdmin}
	svc := &vendors.Service{DB: e.DB, Ledger: e.Evidence.Chain(), Evidence: e.Evidence}
	v, err := svc.Create(ctx, admin, attest.Vendor{Name: fmt.Sprintf("Vendor %d", vendorSeq.Add(1)), Criticality: "high",
		DataShared: []string{"customer-data"}, Services: "Hosting"})
	if err != nil {
		e.T.Fatal(err)
	}
	r, err := svc.StartReview(ctx, admin, v.ID, attest.VendorReview{ReportType: "type2", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31",
		Opinion: "unqualified"}, &vendors.Report{Filename: "soc2.pdf", Content: strings.NewReader("%PDF report")})
	if err != nil {
		e.T.Fatal(err)
	}
	c, err := svc.AddCUEC(ctx, admin, r.ID, attest.VendorCUEC{Description: "Review console access"})
	if err != nil {
		e.T.Fatal(err)
	}
	return map[string]string{"/vendors/{id}": id(v.ID), "/reviews/{review}": id(r.ID), "/cuecs/{cuec}": id(c.ID),
		"/o/{org}/vendors/subprocessors": "?format=md", "/api/v1/orgs/{org}/vendors/subprocessors": "?format=md"}
}

// The vendor register: those who read the programme see it, editors keep
// it; employees see none of it.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/vendors":                                 web.Read,
		"POST /o/{org}/vendors":                                web.Edit,
		"POST /o/{org}/vendors/import":                         web.Edit,
		"GET /o/{org}/vendors/import":                          web.Edit, // reloads after a refused form go back to its page
		"GET /o/{org}/vendors/export":                          web.Read,
		"GET /o/{org}/vendors/subprocessors":                   web.Read,
		"GET /o/{org}/vendors/{id}":                            web.Read,
		"POST /o/{org}/vendors/{id}":                           web.Edit,
		"POST /o/{org}/vendors/{id}/reviews":                   web.Edit,
		"GET /o/{org}/vendors/{id}/reviews":                    web.Edit,
		"POST /o/{org}/vendors/{id}/reviews/{review}":          web.Edit,
		"GET /o/{org}/vendors/{id}/reviews/{review}":           web.Edit,
		"POST /o/{org}/vendors/{id}/reviews/{review}/complete": web.Edit,
		"GET /o/{org}/vendors/{id}/reviews/{review}/complete":  web.Edit,
		"POST /o/{org}/vendors/{id}/cuecs":                     web.Edit,
		"GET /o/{org}/vendors/{id}/cuecs":                      web.Edit,
		"POST /o/{org}/vendors/{id}/cuecs/{cuec}":              web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return vendorParams(e) },
	form: func(fx records) url.Values {
		return url.Values{"name": {fmt.Sprintf("Form vendor %d", fx.control)}, "criticality": {"low"}, "conclusion": {"Fit for use."},
			"description": {"Rotate keys"}, "done": {"true"}, "response": {"Noted."}}
	},
})

// Vendors in the API: the same split as the UI.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /api/v1/orgs/{org}/vendors":                                 web.Read,
		"POST /api/v1/orgs/{org}/vendors":                                web.Edit,
		"POST /api/v1/orgs/{org}/vendors/import":                         web.Edit,
		"GET /api/v1/orgs/{org}/vendors/export":                          web.Read,
		"GET /api/v1/orgs/{org}/vendors/subprocessors":                   web.Read,
		"GET /api/v1/orgs/{org}/vendors/{id}":                            web.Read,
		"PATCH /api/v1/orgs/{org}/vendors/{id}":                          web.Edit,
		"POST /api/v1/orgs/{org}/vendors/{id}/reviews":                   web.Edit,
		"PATCH /api/v1/orgs/{org}/vendors/{id}/reviews/{review}":         web.Edit,
		"POST /api/v1/orgs/{org}/vendors/{id}/reviews/{review}/complete": web.Edit,
		"POST /api/v1/orgs/{org}/vendors/{id}/cuecs":                     web.Edit,
		"PATCH /api/v1/orgs/{org}/vendors/{id}/cuecs/{cuec}":             web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return vendorParams(e) },
	body: map[string]any{
		"POST /api/v1/orgs/{org}/vendors":                                map[string]any{"name": "From the API", "criticality": "high"},
		"POST /api/v1/orgs/{org}/vendors/import":                         webtest.CSV("name,criticality\nImported,low\n"),
		"PATCH /api/v1/orgs/{org}/vendors/{id}":                          map[string]any{"notes": "Renewed"},
		"POST /api/v1/orgs/{org}/vendors/{id}/reviews":                   map[string]any{"report_type": "none", "answers": map[string]string{"mfa": "Yes"}},
		"PATCH /api/v1/orgs/{org}/vendors/{id}/reviews/{review}":         map[string]any{"response": "Noted."},
		"POST /api/v1/orgs/{org}/vendors/{id}/reviews/{review}/complete": map[string]any{"conclusion": "Fit for use."},
		"POST /api/v1/orgs/{org}/vendors/{id}/cuecs":                     map[string]any{"review_id": 0, "description": "Rotate keys"},
		"PATCH /api/v1/orgs/{org}/vendors/{id}/cuecs/{cuec}":             map[string]any{"done": true},
	},
})
