package web_test

import (
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// An audit's request list: its members who read and its invited auditors
// (the guest) read it; editors generate, assign and provide; editors and
// the auditors add, import and comment; only the auditors judge (accept,
// flag, not applicable). API tokens belong to members.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audits/{audit}/requests":                              web.Audit,
		"POST /o/{org}/audits/{audit}/requests":                             web.AuditWrite,
		"POST /o/{org}/audits/{audit}/requests/generate":                    web.Edit,
		"POST /o/{org}/audits/{audit}/requests/import":                      web.AuditWrite,
		"GET /o/{org}/audits/{audit}/requests/{request}":                    web.Audit,
		"POST /o/{org}/audits/{audit}/requests/{request}/comment":           web.AuditWrite,
		"POST /o/{org}/audits/{audit}/requests/{request}/submit":            web.Edit,
		"POST /o/{org}/audits/{audit}/requests/{request}/assign":            web.Edit,
		"POST /o/{org}/audits/{audit}/requests/{request}/review":            web.AuditReview,
		"GET /api/v1/orgs/{org}/audits/{audit}/requests":                    web.Read,
		"POST /api/v1/orgs/{org}/audits/{audit}/requests":                   web.Edit,
		"POST /api/v1/orgs/{org}/audits/{audit}/requests/generate":          web.Edit,
		"POST /api/v1/orgs/{org}/audits/{audit}/requests/import":            web.Edit,
		"GET /api/v1/orgs/{org}/audits/{audit}/requests/{request}":          web.Read,
		"POST /api/v1/orgs/{org}/audits/{audit}/requests/{request}/actions": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		audits, err := e.DB.Audits(ctx, e.Alpha.ID, true, nil)
		if err != nil || len(audits) == 0 {
			e.T.Fatalf("alpha's audit: %v", err)
		}
		admin := e.Users["admin"]
		p := attest.Principal{UserID: admin.ID, OrgID: e.Alpha.ID, Role: attest.RoleAdmin, Label: admin.Email}
		svc := e.Srv.Services().Audits
		req, err := svc.AddRequest(ctx, p, audits[0].ID, attest.AuditRequest{Title: "Board minutes"})
		if err != nil {
			e.T.Fatal(err)
		}
		// Submitted, so the auditor has something to judge.
		if _, err := svc.ActOnRequest(ctx, p, audits[0].ID, req.ID, programme.RequestAct{Action: attest.RequestSubmit, Text: "attached to the minutes"}); err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{
			"/audits/{audit}":     id(audits[0].ID),
			"/requests/{request}": id(req.ID),
		}
	},
	form: func(fx records) url.Values {
		return url.Values{"title": {"Firewall rules"}, "text": {"a comment"}, "action": {"accept"}, "owner": {""}, "due": {"2026-07-31"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/audits/{audit}/requests":                   map[string]any{"title": "Firewall rules"},
		"POST /api/v1/orgs/{org}/audits/{audit}/requests/{request}/actions": map[string]any{"action": "comment", "text": "a comment"},
	},
})
