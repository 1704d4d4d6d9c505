package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestChangesAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin, _ := e.Token(e.Alpha, "admin")
	auditor, _ := e.Token(e.Alpha, "auditor")
	at := e.Clock.Now().UTC().Add(-time.Hour).Format(time.RFC3339)

	res := e.API("POST", "/orgs/alpha/changes/deploy-log", admin, webtest.CSV("repository,commit,deployed_at\nalpha/api,abc1234,"+at+"\nalpha/api,zz,"+at+"\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 3: commit: must be a commit hash") {
		t.Fatalf("a bad deploy log: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/changes/deploy-log", admin, "repository,commit,deployed_at\n"); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "text/csv") {
		t.Fatalf("a log sent as JSON: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/changes/deploy-log", admin, webtest.CSV("repository,commit,deployed_at\nalpha/api,abc1234,"+at+"\n"))
	if got := webtest.Decode[map[string]int](t, res); res.StatusCode != http.StatusOK || got["read"] != 1 || got["added"] != 1 {
		t.Fatalf("deploy log: %d %s", res.StatusCode, res.Text)
	}

	type report struct {
		Days     int `json:"days"`
		Findings int `json:"findings"`
		Changes  []struct {
			SHA    string `json:"sha"`
			Source string `json:"source"`
			State  string `json:"state"`
			Pulls  []any  `json:"pulls"`
		} `json:"changes"`
	}
	res = e.API("GET", "/orgs/alpha/changes?days=30", auditor, nil)
	rep := webtest.Decode[report](t, res)
	if rep.Days != 30 || rep.Findings != 1 || len(rep.Changes) != 1 || rep.Changes[0].State != "no_pull_request" || rep.Changes[0].Source != "log" ||
		rep.Changes[0].Pulls == nil {
		t.Fatalf("report: %s", res.Text)
	}
	if res := e.API("GET", "/orgs/alpha/changes?format=csv", auditor, nil); !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Text, "alpha/api,abc1234") {
		t.Fatalf("csv: %s", res.Text)
	}
	if res := e.API("GET", "/orgs/alpha/changes?days=999", auditor, nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"days"`) {
		t.Fatalf("999 days: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/changes/bank?days=30", admin, nil)
	if res.StatusCode != http.StatusCreated || !strings.Contains(res.Text, "Deployed changes") || !strings.Contains(res.Text, "1 finding(s)") {
		t.Fatalf("bank: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("POST", "/orgs/alpha/changes/bank", auditor, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an auditor banked the register: %d", res.StatusCode)
	}
	if res := e.API("PUT", "/orgs/alpha/changes/rules", admin, map[string]any{"emergency_label": "hotfix", "emergency_hours": 0}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("0 hours: %d", res.StatusCode)
	}
	if res := e.API("PUT", "/orgs/alpha/changes/rules", admin, map[string]any{"emergency_label": "hotfix", "emergency_hours": 12}); res.StatusCode != http.StatusOK {
		t.Fatalf("rules: %d %s", res.StatusCode, res.Text)
	}
}
