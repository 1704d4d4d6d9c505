package web_test

import (
	"fmt"
	"sync/atomic"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// policySeq numbers the policies the contract creates.
var policySeq atomic.Int64

// policyParams gives every member of alpha a workforce record, and creates a
// published policy that applies to everyone and a version in review that
// every member who may approve is named on (with a quorum of all three, so
// one decision leaves it in review). A spare employee writes both, so no
// caller is refused as the author.
func policyParams(e *webtest.Env) map[string]string {
	ctx := e.T.Context()
	for _, who := range []string{"admin", "manager", "employee", "auditor", "spare"} {
		u := e.Users[who]
		p := attest.Person{OrgID: e.Alpha.ID, Name: who, Email: u.Email, StartDate: "2025-01-06"}
		if err := e.DB.CreatePerson(ctx, &p); err != nil && attest.ErrorCode(err) != attest.ECONFLICT {
			e.T.Fatal(err)
		}
	}
	as := func(who string, role attest.Role) attest.Principal {
		return attest.Principal{UserID: e.Users[who].ID, Label: e.Users[who].Email, OrgID: e.Alpha.ID, Role: role}
	}
	author := as("spare", attest.RoleManager)
	approvers := []int64{e.Users["admin"].ID, e.Users["manager"].ID, e.Users["employee"].ID}
	must := func(v attest.PolicyVersion, err error) attest.PolicyVersion {
		if err != nil {
			e.T.Fatal(err)
		}
		return v
	}
	n := policySeq.Add(1)
	pub, err := e.Policies.Adopt(ctx, author, "acceptable-use", fmt.Sprintf("published-%d", n))
	if err != nil {
		e.T.Fatal(err)
	}
	must(e.Policies.Submit(ctx, author, pub.Latest.ID, approvers, 1))
	must(e.Policies.Decide(ctx, as("admin", attest.RoleAdmin), pub.Latest.ID, policy.Decision{Decision: attest.DecisionApprove}))
	must(e.Policies.Publish(ctx, author, pub.Latest.ID))
	rev, err := e.Policies.Adopt(ctx, author, "code-of-conduct", fmt.Sprintf("review-%d", n))
	if err != nil {
		e.T.Fatal(err)
	}
	must(e.Policies.Submit(ctx, author, rev.Latest.ID, approvers, 3))
	return map[string]string{"/policies/{key}": pub.Key, "/policy-versions/{id}": id(rev.Latest.ID)}
}

// Policies in the API: readers see policies, versions, acceptances and the
// report; editors write, submit, publish and retire; named approvers decide;
// everyone who works accepts their own, and sees them and the report of
// themselves and their reports.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /api/v1/orgs/{org}/policies":                      web.Read,
		"POST /api/v1/orgs/{org}/policies":                     web.Edit,
		"GET /api/v1/orgs/{org}/policies/{key}":                web.Read,
		"PATCH /api/v1/orgs/{org}/policies/{key}":              web.Edit,
		"POST /api/v1/orgs/{org}/policies/{key}/draft":         web.Edit,
		"POST /api/v1/orgs/{org}/policies/{key}/retire":        web.Edit,
		"GET /api/v1/orgs/{org}/policies/{key}/diff":           web.Read,
		"GET /api/v1/orgs/{org}/policies/{key}/export":         web.Read,
		"GET /api/v1/orgs/{org}/policy-export":                 web.Read,
		"GET /api/v1/orgs/{org}/acknowledgements/export":       web.Own,
		"POST /api/v1/orgs/{org}/policy-versions/{id}/submit":  web.Edit,
		"POST /api/v1/orgs/{org}/policy-versions/{id}/decide":  web.Work,
		"POST /api/v1/orgs/{org}/policy-versions/{id}/publish": web.Edit,
		"GET /api/v1/orgs/{org}/policy-templates":              web.Read,
		"GET /api/v1/orgs/{org}/policy-settings":               web.Read,
		"PATCH /api/v1/orgs/{org}/policy-settings":             web.Edit,
		"GET /api/v1/orgs/{org}/acceptances":                   web.Read,
		"GET /api/v1/orgs/{org}/acknowledgements":              web.Own,
		"GET /api/v1/orgs/{org}/me/policies":                   web.Own,
		"GET /api/v1/orgs/{org}/me/approvals":                  web.Work,
		"POST /api/v1/orgs/{org}/me/policies/{key}/accept":     web.Work,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return policyParams(e) },
	body: map[string]any{
		"POST /api/v1/orgs/{org}/policies":                     map[string]string{"template": "access-control"},
		"PATCH /api/v1/orgs/{org}/policies/{key}":              map[string]any{"review_months": 6},
		"POST /api/v1/orgs/{org}/policies/{key}/draft":         map[string]any{"body": "# New\n\nText of {{company_name}}.", "material": true},
		"POST /api/v1/orgs/{org}/policies/{key}/retire":        map[string]any{},
		"POST /api/v1/orgs/{org}/policy-versions/{id}/submit":  map[string]any{"approvers": []string{"admin@alpha.test"}},
		"POST /api/v1/orgs/{org}/policy-versions/{id}/decide":  map[string]any{"decision": "approve"},
		"POST /api/v1/orgs/{org}/policy-versions/{id}/publish": map[string]any{},
		"POST /api/v1/orgs/{org}/me/policies/{key}/accept":     map[string]any{"version_id": 0},
		"PATCH /api/v1/orgs/{org}/policy-settings":             map[string]any{"values": map[string]string{"security_contact": "sec@alpha.test"}},
	},
})
