package web_test

import (
	"net/url"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The incident register and the response exercises: readers of the
// programme see them, editors record and change them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/incidents":                  web.Read,
		"POST /o/{org}/incidents":                 web.Edit,
		"GET /o/{org}/incidents/export":           web.Read,
		"POST /o/{org}/incidents/import":          web.Edit,
		"GET /o/{org}/incidents/import":           web.Edit, // reloads after a refused form go back to its page
		"GET /o/{org}/incidents/{id}":             web.Read,
		"POST /o/{org}/incidents/{id}":            web.Edit,
		"POST /o/{org}/incidents/{id}/actions":    web.Edit,
		"GET /o/{org}/incidents/{id}/actions":     web.Edit,
		"POST /o/{org}/incidents/{id}/sign-off":   web.Edit,
		"POST /o/{org}/exercises":                 web.Edit,
		"GET /o/{org}/exercises":                  web.Edit,
		"GET /o/{org}/exercises/{id}":             web.Read,
		"POST /o/{org}/exercises/{id}/follow-ups": web.Edit,
		"GET /o/{org}/exercises/{id}/follow-ups":  web.Edit,

		"GET /api/v1/orgs/{org}/incidents":                  web.Read,
		"POST /api/v1/orgs/{org}/incidents":                 web.Edit,
		"POST /api/v1/orgs/{org}/incidents/import":          web.Edit,
		"GET /api/v1/orgs/{org}/incidents/{id}":             web.Read,
		"PUT /api/v1/orgs/{org}/incidents/{id}":             web.Edit,
		"POST /api/v1/orgs/{org}/incidents/{id}/actions":    web.Edit,
		"POST /api/v1/orgs/{org}/incidents/{id}/sign-off":   web.Edit,
		"GET /api/v1/orgs/{org}/exercises":                  web.Read,
		"POST /api/v1/orgs/{org}/exercises":                 web.Edit,
		"GET /api/v1/orgs/{org}/exercises/{id}":             web.Read,
		"POST /api/v1/orgs/{org}/exercises/{id}/follow-ups": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		// A resolved incident with a post-mortem (so signing off succeeds)
		// and an exercise of alpha's, for every call.
		in := attest.Incident{OrgID: e.Alpha.ID, Title: "Leaked key", Severity: attest.Sev2, Status: attest.IncidentResolved,
			DetectedAt: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), ResolvedAt: time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC), PostMortem: "# What happened"}
		if err := e.DB.CreateIncident(ctx, &in, 0); err != nil {
			e.T.Fatal(err)
		}
		ex := attest.Exercise{OrgID: e.Alpha.ID, Kind: attest.ExerciseIncidentResponse, Format: attest.ExerciseTabletop, HeldOn: "2025-11-01",
			Title: "Tabletop", Scenario: "Ransomware", Participants: []string{"Ada"}, RecordUID: "ex_contract"}
		if err := e.DB.CreateExercise(ctx, &ex); err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/incidents/{id}": strconv.FormatInt(in.ID, 10), "/exercises/{id}": strconv.FormatInt(ex.ID, 10)}
	},
	form: func(fx records) url.Values {
		return url.Values{"title": {"An incident"}, "severity": {"sev3"}, "status": {"resolved"}, "detected_at": {"2026-01-05T10:00"},
			"resolved_at": {"2026-01-06T10:00"}, "kind": {"incident_response"}, "format": {"tabletop"}, "held_on": {"2025-12-01"},
			"scenario": {"Phishing"}, "participants": {"Ada, Ben"}, "priority": {"high"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/incidents": map[string]any{"title": "From the API", "severity": "sev3", "detected_at": "2026-01-05T10:00:00Z"},
		"PUT /api/v1/orgs/{org}/incidents/{id}": map[string]any{"title": "Leaked key", "severity": "sev2", "status": "resolved",
			"detected_at": "2026-01-05T10:00:00Z", "resolved_at": "2026-01-06T10:00:00Z", "post_mortem": "# What happened"},
		"POST /api/v1/orgs/{org}/incidents/{id}/actions":    map[string]any{"title": "Rotate keys", "priority": "high"},
		"POST /api/v1/orgs/{org}/exercises":                 map[string]any{"kind": "disaster_recovery", "format": "live", "held_on": "2025-12-01", "title": "Restore", "scenario": "Region lost", "participants": []string{"Ada"}},
		"POST /api/v1/orgs/{org}/exercises/{id}/follow-ups": map[string]any{"title": "Update runbook"},
	},
})
