package web_test

import (
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Audit populations belong to an audit: its members and its invited
// auditors (the guest) read them and their samples; editors take them and
// draw samples. The organization-wide list stays for members who read.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audit-populations":                                           web.Read,
		"GET /o/{org}/audit-populations/{id}":                                      web.Read,
		"GET /o/{org}/audits/{audit}/populations":                                  web.Audit,
		"POST /o/{org}/audits/{audit}/populations":                                 web.Edit,
		"GET /o/{org}/audits/{audit}/populations/{id}":                             web.Audit,
		"POST /o/{org}/audits/{audit}/populations/{id}/samples":                    web.Edit,
		"GET /o/{org}/audits/{audit}/populations/{id}/samples/{sample}":            web.Audit,
		"GET /o/{org}/audits/{audit}/results":                                      web.Audit,
		"POST /o/{org}/audits/{audit}/results":                                     web.Edit,
		"GET /api/v1/orgs/{org}/audit-populations":                                 web.Read,
		"GET /api/v1/orgs/{org}/audit-populations/{id}":                            web.Read,
		"GET /api/v1/orgs/{org}/audits/{audit}/populations":                        web.Read,
		"POST /api/v1/orgs/{org}/audits/{audit}/populations":                       web.Edit,
		"GET /api/v1/orgs/{org}/audits/{audit}/populations/{id}":                   web.Read,
		"GET /api/v1/orgs/{org}/audits/{audit}/results":                            web.Read,
		"GET /api/v1/orgs/{org}/audits/{audit}/samples":                            web.Read,
		"POST /api/v1/orgs/{org}/audits/{audit}/populations/{id}/samples":          web.Edit,
		"PUT /api/v1/orgs/{org}/audits/{audit}/results/{control}/root-cause":       web.Edit,
		"PUT /api/v1/orgs/{org}/audits/{audit}/results/{control}/items/root-cause": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		audits, err := e.DB.Audits(ctx, e.Alpha.ID, true, nil)
		if err != nil || len(audits) == 0 {
			e.T.Fatalf("alpha's audit: %v", err)
		}
		admin := e.Users["admin"]
		p := attest.Principal{UserID: admin.ID, OrgID: e.Alpha.ID, Role: attest.RoleAdmin, Label: admin.Email}
		svc := e.Srv.Services().Populations
		r, err := svc.Take(ctx, p, population.Request{Kind: attest.PopulationLeavers, From: "2026-01-01", To: "2026-01-31", AuditID: audits[0].ID})
		if err != nil {
			e.T.Fatal(err)
		}
		s, err := svc.Sample(ctx, p, audits[0].ID, r.ID, population.SampleRequest{ControlID: fx.control})
		if err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{
			"/audits/{audit}":         id(audits[0].ID),
			"/audit-populations/{id}": strconv.FormatInt(r.ID, 10),
			"/populations/{id}":       strconv.FormatInt(r.ID, 10),
			"/samples/{sample}":       id(s.ID),
			"/results/{control}":      id(fx.control),
		}
	},
	form: func(fx records) url.Values {
		return url.Values{"kind": {"joiners"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}, "control": {id(fx.control)}, "root_cause": {"a reviewer was away"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/audits/{audit}/populations":                       map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31"},
		"POST /api/v1/orgs/{org}/audits/{audit}/populations/{id}/samples":          map[string]any{"frequency": "per-event"},
		"PUT /api/v1/orgs/{org}/audits/{audit}/results/{control}/root-cause":       map[string]any{"root_cause": "a reviewer was away"},
		"PUT /api/v1/orgs/{org}/audits/{audit}/results/{control}/items/root-cause": map[string]any{"item": "population:pop_1:p1", "root_cause": "a reviewer was away"},
	},
})
