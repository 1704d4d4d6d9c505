package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestIncidentsAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	secret, _ := e.Token(e.Alpha, "admin")
	res := e.API("POST", "/orgs/alpha/incidents", secret, map[string]any{"title": "Leak", "severity": "sev2", "detected_at": "2026-03-01T10:00:00Z",
		"resolved_at": "2026-02-01T10:00:00Z", "status": "resolved"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(compact(res.Text), `"field":"resolved_at"`) {
		t.Fatalf("resolved before detected: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("POST", "/orgs/alpha/incidents", secret, map[string]any{"title": "Leak", "severity": "sev2", "detected_at": "2026-03-01 10:00",
		"systems": []string{"api"}, "notifications": []map[string]string{{"audience": "regulators", "decision": "not_notify", "reason": "no personal data"}}})
	got := webtest.Decode[map[string]json.RawMessage](t, res)
	var in map[string]any
	if err := json.Unmarshal(got["incident"], &in); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusCreated || in["detected_at"] != "2026-03-01T10:00:00Z" || in["contained_at"] != "" || in["status"] != "open" {
		t.Fatalf("create: %d %s", res.StatusCode, compact(res.Text))
	}
	id := int(in["id"].(float64))
	path := "/orgs/alpha/incidents/" + strconv.Itoa(id)
	if res := e.API("POST", path+"/actions", secret, map[string]any{"title": "Rotate", "due_on": "2026-04-01"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("action: %d %s", res.StatusCode, compact(res.Text))
	}
	if res := e.API("POST", path+"/sign-off", secret, nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(compact(res.Text), `"field":"status"`) {
		t.Fatalf("sign off an open incident: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("PUT", path, secret, map[string]any{"title": "Leak", "severity": "sev2", "status": "resolved", "detected_at": "2026-03-01T10:00:00Z",
		"resolved_at": "2026-03-01T12:00:00Z", "post_mortem": "# PM"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("update: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("POST", path+"/sign-off", secret, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(compact(res.Text), `"status":"closed"`) || !strings.Contains(compact(res.Text), `"record_uid":"pm_`) {
		t.Fatalf("sign off: %d %s", res.StatusCode, compact(res.Text))
	}
	if res := e.API("PUT", path, secret, map[string]any{"title": "x", "severity": "sev2", "detected_at": "2026-03-01"}); res.StatusCode != http.StatusConflict {
		t.Fatalf("update a closed incident: %d", res.StatusCode)
	}
	res = e.API("GET", path, secret, nil)
	if !strings.Contains(compact(res.Text), `"actions":[{`) || !strings.Contains(compact(res.Text), "incident.signed_off") {
		t.Fatalf("detail: %s", compact(res.Text))
	}
	if res := e.API("GET", "/orgs/alpha/incidents?severity=sev1", secret, nil); compact(res.Text) != `{"incidents":[]}`+"\n" && !strings.Contains(compact(res.Text), `"incidents":[]`) {
		t.Fatalf("filter: %s", compact(res.Text))
	}
	res = e.API("POST", "/orgs/alpha/incidents/import", secret, webtest.CSV("title,severity,detected_at,colour\nx,sev1,2026-01-01,red\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(compact(res.Text), "unknown column") {
		t.Fatalf("import with unknown column: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("POST", "/orgs/alpha/exercises", secret, map[string]any{"kind": "disaster_recovery", "format": "live", "held_on": "2025-12-01",
		"title": "Restore from backup", "scenario": "Primary database lost", "participants": []string{"Ada"}})
	if res.StatusCode != http.StatusCreated || !strings.Contains(compact(res.Text), `"next_due":"2026-12-01"`) {
		t.Fatalf("exercise: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("GET", "/orgs/alpha/exercises", secret, nil)
	if !strings.Contains(compact(res.Text), `"kind":"disaster_recovery","last":"2025-12-01"`) {
		t.Fatalf("schedule: %s", compact(res.Text))
	}
	auditor, _ := e.Token(e.Alpha, "auditor")
	if res := e.API("POST", "/orgs/alpha/exercises", auditor, map[string]any{"kind": "x"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("auditor recorded an exercise: %d", res.StatusCode)
	}
}
