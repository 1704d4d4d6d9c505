package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestMonitoringAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr, _ := e.Token(e.Alpha, "manager")
	adm, _ := e.Token(e.Alpha, "admin")
	aud, _ := e.Token(e.Alpha, "auditor")
	sys := attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem)
	conn, err := e.Connections.Add(t.Context(), sys, connection.Input{Type: "github", Name: "github", Settings: webtest.GitHubSettings(),
		Secret: []byte(webtest.GitHubToken)})
	if err != nil {
		t.Fatal(err)
	}

	// Run now queues a job; its status is readable, another org's is not.
	res := e.API("POST", fmt.Sprintf("/orgs/alpha/connections/%d/run", conn.ID), mgr, nil)
	job := webtest.Decode[map[string]any](t, res)
	if res.StatusCode != http.StatusAccepted || job["job"] == nil {
		t.Fatalf("run now: %d %s", res.StatusCode, res.Text)
	}
	st := webtest.Decode[map[string]any](t, e.API("GET", fmt.Sprintf("/orgs/alpha/jobs/%v", job["job"]), aud, nil))
	if st["status"] != "queued" || st["connection_id"] != float64(conn.ID) {
		t.Errorf("job status: %v", st)
	}
	if _, err := e.Monitor.Run(t.Context(), e.Alpha.ID, conn.ID, nil); err != nil { // what the worker does
		t.Fatal(err)
	}

	tests := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/tests", aud, nil))["tests"]
	if len(tests) < 20 || tests[0]["counts"].(map[string]any)["fail"] == nil {
		t.Fatalf("tests (failing first): %v", tests[:1])
	}
	list := webtest.Decode[map[string][]attest.TestResult](t, e.API("GET", "/orgs/alpha/results?test=github.branch_protected&status=fail", aud, nil))["results"]
	if len(list) != 1 || list[0].Resource.Key != "northwind/docs" || !strings.Contains(list[0].Message, "expected true") {
		t.Fatalf("failing results: %+v", list)
	}
	if r := e.API("GET", "/orgs/alpha/results?status=broken", aud, nil); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Text, "status") {
		t.Errorf("bad status filter: %d %s", r.StatusCode, r.Text)
	}
	rid := list[0].ID
	rp := webtest.Decode[map[string]any](t, e.API("POST", fmt.Sprintf("/orgs/alpha/results/%d/replay", rid), aud, nil))
	if rp["same"] != true {
		t.Errorf("replay: %v", rp)
	}
	hist := webtest.Decode[map[string]any](t, e.API("GET", fmt.Sprintf("/orgs/alpha/results/%d/history", rid), aud, nil))
	if ch := hist["changes"].([]any); len(ch) != 1 || ch[0].(map[string]any)["to"] != "fail" {
		t.Errorf("history: %v", hist)
	}

	// An exception: a manager asks, an admin approves, the result shows it.
	ex := e.API("POST", "/orgs/alpha/exceptions", mgr, map[string]string{"test": "github.branch_protected", "resource_type": "github.repository",
		"resource": "northwind/docs", "reason": "Generated site; CI is the only writer.", "expires": "2026-08-01"})
	exc := webtest.Decode[map[string]any](t, ex)
	if ex.StatusCode != http.StatusCreated || exc["state"] != "pending" {
		t.Fatalf("request: %d %s", ex.StatusCode, ex.Text)
	}
	if r := e.API("POST", fmt.Sprintf("/orgs/alpha/exceptions/%v/approve", exc["id"]), mgr, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("self-approval: %d", r.StatusCode)
	}
	if r := e.API("POST", fmt.Sprintf("/orgs/alpha/exceptions/%v/approve", exc["id"]), adm, nil); r.StatusCode != http.StatusOK ||
		webtest.Decode[map[string]any](t, r)["state"] != "active" {
		t.Errorf("approval: %d %s", r.StatusCode, r.Text)
	}
	one := webtest.Decode[attest.TestResult](t, e.API("GET", fmt.Sprintf("/orgs/alpha/results/%d", rid), aud, nil))
	if !one.Excepted() {
		t.Errorf("the approved exception does not show on the result: %+v", one)
	}
	if r := e.API("POST", "/orgs/alpha/exceptions", mgr, map[string]string{"test": "github.branch_protected", "resource_type": "github.repository",
		"resource": "northwind/docs", "reason": "x", "expires": "2029-01-01"}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Text, "expires") {
		t.Errorf("an exception for three years: %d %s", r.StatusCode, r.Text)
	}

	// Own tests are validated before they are saved.
	bad := e.API("POST", "/orgs/alpha/tests", mgr, map[string]string{"source": "tests:\n  - id: own.x\n    title: X\n    resource_type: github.nothing\n"})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Text, "resource_type") {
		t.Errorf("invalid own test: %d %s", bad.StatusCode, bad.Text)
	}
}
