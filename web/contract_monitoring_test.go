package web_test

import (
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

var (
	monitoringSeq atomic.Int64
	// monitoringWorlds caches each world's monitoring records: building them
	// runs a collection, and the worlds that GET requests and refusals share
	// need them only once (nothing those requests do changes them).
	monitoringMu     sync.Mutex
	monitoringWorlds = map[*webtest.Env]map[string]string{}
)

// ownTest is an organization's own test, named n.
func ownTest(n int64) string {
	return fmt.Sprintf(`tests:
  - id: own.t%d
    title: Own test %d
    description: An organization's own test.
    resource_type: github.repository
    pass: resource.archived == false
    field: archived
    expected: "false"
    severity: low
    remediation: Unarchive it.
    controls: [DEV-2]
    reads: [archived]
`, n, n)
}

// Monitoring: readers (auditors included) see tests, results, history, runs
// and exceptions, and may replay a verdict (it changes nothing); editors run
// connections, write own tests and request, approve and revoke exceptions.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /api/v1/orgs/{org}/tests":                    web.Read,
		"POST /api/v1/orgs/{org}/tests":                   web.Edit,
		"GET /api/v1/orgs/{org}/tests/{id}":               web.Read,
		"DELETE /api/v1/orgs/{org}/tests/{id}":            web.Edit,
		"GET /api/v1/orgs/{org}/results":                  web.Read,
		"GET /api/v1/orgs/{org}/results/{id}":             web.Read,
		"GET /api/v1/orgs/{org}/results/{id}/history":     web.Read,
		"POST /api/v1/orgs/{org}/results/{id}/replay":     web.Read,
		"GET /api/v1/orgs/{org}/runs":                     web.Read,
		"GET /api/v1/orgs/{org}/exceptions":               web.Read,
		"POST /api/v1/orgs/{org}/exceptions":              web.Edit,
		"POST /api/v1/orgs/{org}/exceptions/{id}/approve": web.Edit,
		"POST /api/v1/orgs/{org}/exceptions/{id}/revoke":  web.Edit,
		"POST /api/v1/orgs/{org}/connections/{id}/run":    web.Edit,
		"GET /api/v1/orgs/{org}/jobs/{id}":                web.Read,

		"GET /o/{org}/monitoring":                          web.Read,
		"GET /o/{org}/monitoring/tests/new":                web.Edit,
		"POST /o/{org}/monitoring/tests":                   web.Edit,
		"GET /o/{org}/monitoring/tests/{id}":               web.Read,
		"POST /o/{org}/monitoring/tests/{id}/delete":       web.Edit,
		"GET /o/{org}/monitoring/results/{id}":             web.Read,
		"POST /o/{org}/monitoring/results/{id}/replay":     web.Read,
		"GET /o/{org}/monitoring/exceptions":               web.Read,
		"POST /o/{org}/monitoring/exceptions":              web.Edit,
		"POST /o/{org}/monitoring/exceptions/{id}/approve": web.Edit,
		"POST /o/{org}/monitoring/exceptions/{id}/revoke":  web.Edit,
		"POST /o/{org}/connections/{id}/run":               web.Edit,
		"POST /o/{org}/connections/{id}/webhook":           web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		monitoringMu.Lock()
		defer monitoringMu.Unlock()
		if p, ok := monitoringWorlds[e]; ok {
			return p
		}
		n := monitoringSeq.Add(1)
		sys := attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem)
		conn, err := e.Connections.Add(ctx, sys, connection.Input{Type: "github", Name: fmt.Sprintf("gh%d", n),
			Settings: webtest.GitHubSettings(), Secret: []byte(webtest.GitHubToken)})
		if err != nil {
			e.T.Fatal(err)
		}
		if _, err := e.Monitor.Run(ctx, e.Alpha.ID, conn.ID, nil); err != nil {
			e.T.Fatal(err)
		}
		results, err := e.Monitor.Results(ctx, sys, store.ResultFilter{ConnectionID: conn.ID, Test: "github.branch_protected",
			ResourceKey: "northwind/docs"})
		if err != nil || len(results) != 1 {
			e.T.Fatalf("results: %v, %v", results, err)
		}
		// Requested by a manager of its own, so that every editor calling
		// approve is someone other than the requester.
		req := e.Member(e.Alpha, fmt.Sprintf("requester%d", n), attest.RoleManager)
		exc, err := e.Monitor.RequestException(ctx, attest.Principal{UserID: req.ID, Label: req.Email, OrgID: e.Alpha.ID, Role: attest.RoleManager},
			monitor.ExceptionRequest{Test: "github.branch_protected", Resource: results[0].Resource, Reason: "generated site",
				ExpiresAt: webtest.Start.Add(30 * 24 * time.Hour)})
		if err != nil {
			e.T.Fatal(err)
		}
		own, err := e.Monitor.SaveTest(ctx, sys, []byte(ownTest(n)))
		if err != nil {
			e.T.Fatal(err)
		}
		job, err := e.Jobs.Enqueue(ctx, e.Alpha.ID, conn.ID, nil)
		if err != nil {
			e.T.Fatal(err)
		}
		p := map[string]string{"/tests/{id}": own.ID, "/results/{id}": id(results[0].ID), "/exceptions/{id}": exc.UID,
			"/connections/{id}": id(conn.ID), "/jobs/{id}": id(job)}
		monitoringWorlds[e] = p
		return p
	},
	form: func(fx records) url.Values {
		return url.Values{"source": {ownTest(2_000_000)}, "test": {"github.branch_protected"}, "resource_type": {"github.repository"},
			"resource": {"northwind/docs"}, "reason": {"generated site"}, "expires": {"2026-07-01"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/tests": map[string]string{"source": ownTest(1_000_000)},
		"POST /api/v1/orgs/{org}/exceptions": map[string]string{"test": "github.branch_protected", "resource_type": "github.repository",
			"resource": "northwind/docs", "reason": "generated site", "expires": "2026-07-01"},
	},
})
