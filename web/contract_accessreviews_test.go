package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// accessReviewSeq numbers the campaigns the contract starts.
var accessReviewSeq atomic.Int64

// accessReviewParams gives every call a campaign of alpha's over an
// uploaded list whose accounts the caller reviews (an auditor, who reviews
// nothing, reads the admin's), so that reviewers' routes find their own.
func accessReviewParams(e *webtest.Env, who string) map[string]string {
	e.T.Helper()
	admin := attest.Principal{UserID: e.Users["admin"].ID, Label: "admin", OrgID: e.Alpha.ID, Role: attest.RoleAdmin}
	reviewer := admin.UserID
	if u, ok := e.Users[who]; ok && who != "auditor" && who != "outsider" && who != "guest" {
		reviewer = u.ID
	}
	svc := &accessreview.Service{DB: e.DB, Ledger: e.Evidence.Chain(), Evidence: e.Evidence}
	list, err := accessreview.ParseAccounts(strings.NewReader("login,admin\nroot,yes\nops,no\n"))
	if err != nil {
		e.T.Fatal(err)
	}
	r, err := svc.Start(ctx, admin, accessreview.Start{Title: fmt.Sprintf("Review %d", accessReviewSeq.Add(1)),
		Upload: &accessreview.Upload{System: "Billing DB", OwnerID: reviewer, Accounts: list}})
	if err != nil {
		e.T.Fatal(err)
	}
	d, err := svc.Get(ctx, admin, r.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	return map[string]string{"/access-reviews/{id}": id(r.ID), "/items/{item}": id(d.Items[0].ID)}
}

// Access reviews: reviewers (employees) see and decide the accounts
// assigned to them; editors start, reassign and complete campaigns; those
// who read the programme download reports.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/access-reviews":                                       web.Own,
		"POST /o/{org}/access-reviews":                                      web.Edit,
		"GET /o/{org}/access-reviews/{id}":                                  web.Own,
		"POST /o/{org}/access-reviews/{id}/items/{item}":                    web.Work,
		"GET /o/{org}/access-reviews/{id}/items/{item}":                     web.Work, // reloads after a refused form go back to its page
		"POST /o/{org}/access-reviews/{id}/items/{item}/reviewer":           web.Edit,
		"GET /o/{org}/access-reviews/{id}/items/{item}/reviewer":            web.Edit,
		"POST /o/{org}/access-reviews/{id}/complete":                        web.Edit,
		"GET /o/{org}/access-reviews/{id}/complete":                         web.Edit,
		"GET /o/{org}/access-reviews/{id}/report":                           web.Read,
		"POST /o/{org}/access-reviews/cadence":                              web.Admin,
		"GET /o/{org}/access-reviews/cadence":                               web.Admin,
		"POST /api/v1/orgs/{org}/access-reviews/{id}/items/{item}/reviewer": web.Edit,
		"PUT /api/v1/orgs/{org}/access-reviews/cadence":                     web.Admin,
		"GET /api/v1/orgs/{org}/access-reviews":                             web.Own,
		"POST /api/v1/orgs/{org}/access-reviews":                            web.Edit,
		"GET /api/v1/orgs/{org}/access-reviews/{id}":                        web.Own,
		"POST /api/v1/orgs/{org}/access-reviews/{id}/items/{item}/decision": web.Work,
		"POST /api/v1/orgs/{org}/access-reviews/{id}/complete":              web.Edit,
		"GET /api/v1/orgs/{org}/access-reviews/{id}/report":                 web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return accessReviewParams(e, who) },
	form: func(fx records) url.Values {
		return url.Values{"title": {"From the form"}, "decision": {"keep"}, "reviewer": {"0"}, "months": {"6"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/access-reviews": map[string]any{"title": "From the API",
			"upload": map[string]any{"system": "HR", "owner_id": 0, "csv": "login\nada\n"}},
		"POST /api/v1/orgs/{org}/access-reviews/{id}/items/{item}/decision": map[string]any{"decision": "revoke", "reason": "left"},
		"POST /api/v1/orgs/{org}/access-reviews/{id}/items/{item}/reviewer": map[string]any{"reviewer_id": 0},
		"PUT /api/v1/orgs/{org}/access-reviews/cadence":                     map[string]any{"months": 6},
	},
})
