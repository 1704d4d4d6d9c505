package web_test

import (
	"net/url"
	"strings"

	"github.com/attest-hq/attest"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Audits: members who read see every audit; the guest (an auditor invited
// into alpha's audit, without a membership) sees that audit's pages only;
// editors create, edit and invite.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audits":                            web.Audit,
		"POST /o/{org}/audits":                           web.Edit,
		"GET /o/{org}/audits/{audit}":                    web.Audit,
		"POST /o/{org}/audits/{audit}":                   web.Edit,
		"POST /o/{org}/audits/{audit}/auditors":          web.Edit,
		"POST /o/{org}/audits/{audit}/auditors/remove":   web.Edit,
		"GET /o/{org}/audits/{audit}/evidence/{id}":      web.Audit,
		"GET /o/{org}/audits/{audit}/policies/{version}": web.Audit,
		"GET /o/{org}/audits/{audit}/package":            web.Audit,
		// API tokens belong to members: readers list and read, editors change.
		"GET /api/v1/orgs/{org}/audits":                             web.Read,
		"POST /api/v1/orgs/{org}/audits":                            web.Edit,
		"GET /api/v1/orgs/{org}/audits/{audit}":                     web.Read,
		"PUT /api/v1/orgs/{org}/audits/{audit}":                     web.Edit,
		"POST /api/v1/orgs/{org}/audits/{audit}/auditors":           web.Edit,
		"DELETE /api/v1/orgs/{org}/audits/{audit}/auditors/{email}": web.Edit,
		// The package has the page's access: members who read (a guest's
		// token, were one made, opens nothing).
		"GET /api/v1/orgs/{org}/audits/{audit}/package": web.Audit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		audits, err := e.DB.Audits(ctx, e.Alpha.ID, true, nil)
		if err != nil || len(audits) == 0 {
			e.T.Fatalf("alpha's audit: %v", err)
		}
		// A policy published inside the audit's window (2026-01-01 to 2026-06-30).
		at := webtest.Start.AddDate(0, -1, 0)
		pol := attest.Policy{OrgID: e.Alpha.ID, Key: "p-" + who + "-" + id(fx.evidence), Title: "Policy for " + who, Audience: attest.Audience{Everyone: true}}
		if err := e.DB.CreatePolicy(ctx, &pol); err != nil {
			e.T.Fatal(err)
		}
		v := attest.PolicyVersion{PolicyID: pol.ID, Label: "1.0", State: attest.VersionPublished, Body: "text", Content: "text",
			Hash: strings.Repeat("a", 64), AuthorID: e.Users["admin"].ID, Quorum: 1, ApprovedAt: &at, PublishedAt: &at}
		if err := e.DB.AddPolicyVersion(ctx, e.Alpha.ID, &v); err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{
			"/policies/{version}":           id(v.ID),
			"/audits/{audit}":               id(audits[0].ID),
			"/audits/{audit}/evidence/{id}": id(fx.evidence),
			"/auditors/{email}":             "guest@firm.test",
		}
	},
	form: func(fx records) url.Values {
		return url.Values{"name": {"Second audit"}, "framework": {"soc2"}, "type": {"type2"}, "from": {"2026-01-01"}, "to": {"2026-06-30"},
			"firm": {"Firm LLP"}, "email": {"guest@firm.test"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/audits":                  map[string]any{"name": "From the API", "framework": "soc2", "type": "type1", "as_of": "2026-06-30"},
		"PUT /api/v1/orgs/{org}/audits/{audit}":           map[string]any{"status": "reporting"},
		"POST /api/v1/orgs/{org}/audits/{audit}/auditors": map[string]any{"email": "new@firm.test"},
	},
})
