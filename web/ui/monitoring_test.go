package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestMonitoringPages walks what a manager, an admin and an auditor do: see
// failing resources with the reason, open a test with its history and a
// result, replay it, request an exception and have another person approve
// it, and follow a "Run now".
func TestMonitoringPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	sys := attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem)
	conn, err := e.Connections.Add(t.Context(), sys, connection.Input{Type: "github", Name: "github", Settings: webtest.GitHubSettings(),
		Secret: []byte(webtest.GitHubToken)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Monitor.Run(t.Context(), e.Alpha.ID, conn.ID, nil); err != nil {
		t.Fatal(err)
	}
	mgr, adm, aud := e.Login("manager"), e.Login("admin"), e.Login("auditor")

	page := aud.Get("/o/alpha/monitoring")
	for _, want := range []string{"northwind/docs: branch.protected is false, expected true", "The default branch is protected", ">Monitoring<"} {
		if !strings.Contains(page.Text, want) {
			t.Errorf("monitoring page lacks %q", want)
		}
	}
	if strings.Contains(page.Text, "Run now") {
		t.Error("an auditor is offered Run now")
	}
	unv := aud.Get("/o/alpha/monitoring?status=unverifiable")
	if !strings.Contains(unv.Text, "northwind/billing") || !strings.Contains(unv.Text, "Upgrade to GitHub Pro") {
		t.Errorf("unverifiable results do not name the plan limit")
	}
	if e.Login("employee").Get("/o/alpha/monitoring").StatusCode != http.StatusForbidden {
		t.Error("an employee sees monitoring")
	}

	test := aud.Get("/o/alpha/monitoring/tests/github.branch_protected")
	if !strings.Contains(test.Text, "resource.branch.protected == true") || !strings.Contains(test.Text, `<svg viewBox="0 0 600 120" class="history"`) {
		t.Errorf("test page lacks its CEL or history chart")
	}
	id := regexp.MustCompile(`/monitoring/results/(\d+)">northwind/docs<`).FindStringSubmatch(test.Text)
	if id == nil {
		t.Fatal("test page does not link the failing result")
	}
	rp := aud.Post("/o/alpha/monitoring/results/"+id[1]+"/replay", nil)
	if !strings.Contains(rp.Text, "Same verdict.") {
		t.Errorf("replay page: %d", rp.StatusCode)
	}

	// A bad request is explained next to the field.
	bad := mgr.Post("/o/alpha/monitoring/exceptions", url.Values{"test": {"github.branch_protected"}, "resource_type": {"github.repository"},
		"resource": {"northwind/docs"}, "reason": {""}, "expires": {"2026-07-01"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Text, "Reason is required") {
		t.Errorf("exception without a reason: %d", bad.StatusCode)
	}
	req := mgr.Post("/o/alpha/monitoring/exceptions", url.Values{"test": {"github.branch_protected"}, "resource_type": {"github.repository"},
		"resource": {"northwind/docs"}, "reason": {"Generated site; CI is the only writer."}, "expires": {"2026-07-01"}})
	if !req.RedirectsTo("/o/alpha/monitoring/exceptions") {
		t.Fatalf("request: %d %s", req.StatusCode, req.Header.Get("Location"))
	}
	list := mgr.Get("/o/alpha/monitoring/exceptions")
	uid := regexp.MustCompile(`exc_[0-9a-f]+`).FindString(list.Text)
	if !strings.Contains(list.Text, "Another admin or manager approves your request.") || strings.Contains(list.Text, "/approve") {
		t.Error("the requester is offered to approve their own request")
	}
	if res := adm.Post("/o/alpha/monitoring/exceptions/"+uid+"/approve", nil); !res.RedirectsTo("/o/alpha/monitoring/exceptions") {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if page := aud.Get("/o/alpha/monitoring"); strings.Contains(page.Text, "northwind/docs: branch.protected is false") {
		t.Error("an excepted failure is still listed as failing")
	}
	if res := aud.Get("/o/alpha/monitoring/tests/github.branch_protected"); !strings.Contains(res.Text, "badge excepted") {
		t.Error("the test page does not mark the excepted result")
	}

	// Run now queues the collection and the page follows it.
	run := mgr.Post(fmt.Sprintf("/o/alpha/connections/%d/run", conn.ID), nil)
	loc := run.Header.Get("Location")
	if !strings.HasPrefix(loc, "/o/alpha/monitoring?job=") {
		t.Fatalf("run now: %d %s", run.StatusCode, loc)
	}
	if res := mgr.Get(loc); !strings.Contains(res.Text, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(res.Text, "Collecting and testing now (queued)") {
		t.Errorf("the page does not follow the queued run")
	}

	// A control the test supports lists it, with its counts.
	ctl := storetest.MustControl(t, e.DB, e.Alpha, "DEV-2", attest.StatusImplemented)
	if res := aud.Get(fmt.Sprintf("/o/alpha/controls/%d", ctl.ID)); !strings.Contains(res.Text, `/monitoring/tests/github.branch_protected">The default branch is protected</a>`) {
		t.Error("the control page does not list the test that supports it")
	}
}
