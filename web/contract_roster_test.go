package web_test

import (
	"fmt"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store/storetest"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The roster: readers of the programme see it, editors link accounts, admins
// set the deadlines.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/people/roster":               web.Read,
		"POST /o/{org}/people/roster/links":        web.Edit,
		"GET /o/{org}/people/roster/links":         web.Edit, // reloads after a refused form go back to its page
		"POST /o/{org}/people/roster/links/remove": web.Edit,
		"POST /o/{org}/people/roster/rules":        web.Admin,
		"GET /o/{org}/people/roster/rules":         web.Admin,

		"GET /o/{org}/people/populations":           web.Read,
		"GET /api/v1/orgs/{org}/roster":             web.Read,
		"GET /api/v1/orgs/{org}/roster/populations": web.Read,
		"POST /api/v1/orgs/{org}/roster/links":      web.Edit,
		"DELETE /api/v1/orgs/{org}/roster/links":    web.Edit,
		"PUT /api/v1/orgs/{org}/roster/rules":       web.Admin,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		// A link of alpha's for every call, so that removing one finds it.
		n := personSeq.Add(1)
		p := storetest.MustPerson(e.T, e.DB, e.Alpha, fmt.Sprintf("Linked %d", n), fmt.Sprintf("linked%d@alpha.test", n))
		if err := e.DB.LinkAccount(ctx, e.Alpha.ID, attest.AccountLink{ConnectionID: 1, Key: "acme/carol", PersonID: p.ID}, 0); err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/api/v1/orgs/{org}/roster/links": "?connection_id=1&key=acme/carol",
			"/api/v1/orgs/{org}/roster/populations": "?from=2025-01-01&to=2025-12-31",
			"/o/{org}/people/populations":           "?from=2025-01-01&to=2025-12-31"}
	},
	form: func(fx records) url.Values {
		return url.Values{"connection_id": {"1"}, "key": {"acme/carol"}, "person_id": {"1"}, "leaver_days": {"2"}, "joiner_days": {"10"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/roster/links": map[string]any{"connection_id": 1, "key": "acme/carol", "person_id": 1},
		"PUT /api/v1/orgs/{org}/roster/rules":  map[string]any{"leaver_days": 2, "joiner_days": 10},
	},
})
