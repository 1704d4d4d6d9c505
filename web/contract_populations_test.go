package web_test

import (
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Audit populations: readers of the programme (auditors included) list and
// read the recorded retrievals; editors take them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audit-populations":      web.Read,
		"POST /o/{org}/audit-populations":     web.Edit,
		"GET /o/{org}/audit-populations/{id}": web.Read,

		"GET /api/v1/orgs/{org}/audit-populations":      web.Read,
		"POST /api/v1/orgs/{org}/audit-populations":     web.Edit,
		"GET /api/v1/orgs/{org}/audit-populations/{id}": web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		admin := e.Users["admin"]
		p := attest.Principal{UserID: admin.ID, OrgID: e.Alpha.ID, Role: attest.RoleAdmin, Label: admin.Email}
		r, err := e.Srv.Services().Populations.Take(ctx, p, population.Request{Kind: attest.PopulationLeavers, From: "2026-01-01", To: "2026-01-31"})
		if err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/audit-populations/{id}": strconv.FormatInt(r.ID, 10)}
	},
	form: func(fx records) url.Values {
		return url.Values{"kind": {"joiners"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/audit-populations": map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31", "audit": "FY26"},
	},
})
