package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestIncidentPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	res := admin.Get("/o/alpha/incidents")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No incidents") || !strings.Contains(res.Text, "never held") {
		t.Fatalf("empty register: %d %.500s", res.StatusCode, res.Text)
	}
	// A timeline out of order is refused beside its field, nothing stored.
	bad := url.Values{"title": {"Leaked key"}, "severity": {"sev2"}, "status": {"resolved"}, "detected_at": {"2026-03-01T10:00"}, "resolved_at": {"2026-02-01T10:00"}}
	res = admin.Post("/o/alpha/incidents", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Resolved at is before detected") {
		t.Fatalf("resolved before detected: %d %.3000s", res.StatusCode, res.Text)
	}
	good := url.Values{"title": {"Leaked key"}, "severity": {"sev2"}, "status": {"open"}, "occurred_at": {"2026-03-01T08:00"}, "detected_at": {"2026-03-01T10:30"}}
	res = admin.Post("/o/alpha/incidents", good)
	if !res.RedirectsTo("/o/alpha/incidents/") {
		t.Fatalf("create: %d %.500s", res.StatusCode, res.Text)
	}
	page := res.Header.Get("Location")
	res = admin.Get(page)
	if !strings.Contains(res.Text, "time to detect 2h 30m") || !strings.Contains(res.Text, "SEV2 (high)") {
		t.Fatalf("incident page: %.3000s", res.Text)
	}
	// A corrective action becomes a task listed on the incident.
	res = admin.Post(page+"/actions", url.Values{"title": {"Enable secret scanning"}, "priority": {"high"}, "due_on": {"2020-01-01"}})
	if !res.RedirectsTo(page) {
		t.Fatalf("action: %d %.500s", res.StatusCode, res.Text)
	}
	if res := admin.Get("/o/alpha"); !strings.Contains(res.Text, "Enable secret scanning (Leaked key)") {
		t.Fatalf("the open incident's overdue action is not due on the dashboard: %.4000s", res.Text)
	}
	// Resolve with a notification but no date: refused, named.
	upd := url.Values{"title": {"Leaked key"}, "severity": {"sev2"}, "status": {"resolved"}, "occurred_at": {"2026-03-01T08:00"},
		"detected_at": {"2026-03-01T10:30"}, "resolved_at": {"2026-03-02T09:00"}, "notify_customers": {"notify"}, "notify_customers_reason": {"contract"}}
	if res := admin.Post(page, upd); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Notify customers on is required") {
		t.Fatalf("notification without date: %d %.3000s", res.StatusCode, res.Text)
	}
	upd.Set("notify_customers_on", "2026-03-02")
	upd.Set("post_mortem", "# What happened\n\nA key was pasted.<script>alert(1)</script>")
	if res := admin.Post(page, upd); !res.RedirectsTo(page) {
		t.Fatalf("save: %d %.3000s", res.StatusCode, res.Text)
	}
	res = admin.Get(page)
	if !strings.Contains(res.Text, "<h1>What happened</h1>") || strings.Contains(res.Text, "<script>alert") || !strings.Contains(res.Text, "Enable secret scanning") ||
		!strings.Contains(res.Text, "overdue") || !strings.Contains(res.Text, "Sign off the post-mortem") {
		t.Fatalf("incident page after update: %.5000s", res.Text)
	}
	if res := admin.Post(page+"/sign-off", nil); !res.RedirectsTo(page) {
		t.Fatalf("sign off: %d", res.StatusCode)
	}
	res = admin.Get(page)
	if !strings.Contains(res.Text, "signed off</span> by") || strings.Contains(res.Text, "Update the incident") || !strings.Contains(res.Text, "Signed off the post-mortem") {
		t.Fatalf("closed incident page: %.5000s", res.Text)
	}
	// Filters.
	if res := admin.Get("/o/alpha/incidents?severity=sev1"); strings.Contains(res.Text, "Leaked key") {
		t.Fatal("severity filter shows a SEV2")
	}
	if res := admin.Get("/o/alpha/incidents?status=closed"); !strings.Contains(res.Text, "Leaked key") {
		t.Fatal("status filter hides the closed incident")
	}
	// An exercise, then the schedule says when the next is due.
	res = admin.Post("/o/alpha/exercises", url.Values{"kind": {"incident_response"}, "format": {"tabletop"}, "held_on": {"2026-01-15"}, "title": {"Ransomware tabletop"}, "scenario": {"Laptops encrypted"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "name at least one participant") {
		t.Fatalf("exercise without participants: %d", res.StatusCode)
	}
	res = admin.Post("/o/alpha/exercises", url.Values{"kind": {"incident_response"}, "format": {"tabletop"}, "held_on": {"2026-01-15"}, "title": {"Ransomware tabletop"},
		"scenario": {"Laptops encrypted"}, "participants": {"Ada, Ben"}})
	if !res.RedirectsTo("/o/alpha/exercises/") {
		t.Fatalf("exercise: %d %.1000s", res.StatusCode, res.Text)
	}
	ex := res.Header.Get("Location")
	if res := admin.Post(ex+"/follow-ups", url.Values{"title": {"Print the call tree"}, "priority": {"low"}}); !res.RedirectsTo(ex) {
		t.Fatalf("follow-up: %d", res.StatusCode)
	}
	if res := admin.Get(ex); !strings.Contains(res.Text, "Print the call tree") || !strings.Contains(res.Text, "next due 2027-01-15") || !strings.Contains(res.Text, "Ada, Ben") {
		t.Fatalf("exercise page: %.3000s", res.Text)
	}
	if res := admin.Get("/o/alpha/incidents"); !strings.Contains(res.Text, "next due 2027-01-15") {
		t.Fatalf("schedule: %.3000s", res.Text)
	}
	// Export, and an import refused by line and field.
	res = admin.Get("/o/alpha/incidents/export")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Text, "id,title,") || !strings.Contains(res.Text, "Leaked key") {
		t.Fatalf("export: %d %.300s", res.StatusCode, res.Text)
	}
	res = upload(admin, "/o/alpha/incidents/import", "in.csv", []byte("title,severity,detected_at\nok,sev3,2026-01-01\nbad,sev7,2026-01-01\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 3: severity") {
		t.Fatalf("bad import: %d %.3000s", res.StatusCode, res.Text)
	}
	if res := admin.Get("/o/alpha/incidents"); strings.Contains(res.Text, ">ok</a>") {
		t.Fatal("a refused import stored its good row")
	}
	// The incident is closed, so its action leaves the dashboard; the DR exercise, never held, is due.
	if res := admin.Get("/o/alpha"); !strings.Contains(res.Text, "Disaster recovery exercise") || strings.Contains(res.Text, "Enable secret scanning (Leaked key)") {
		t.Fatalf("dashboard due items: %.4000s", res.Text)
	}
	// An auditor reads but gets no forms.
	if res := e.Login("auditor").Get(page); res.StatusCode != http.StatusOK || strings.Contains(res.Text, "Open a corrective action") {
		t.Fatalf("auditor: %d", res.StatusCode)
	}
}
