package programme_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

func TestIncidentStatus(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	resolved := attest.Incident{ID: 1, Title: "Leaked key", Severity: attest.Sev2, Status: attest.IncidentResolved, DetectedAt: day("2026-05-01"), ResolvedAt: day("2026-05-02")}
	reviewed := attest.Incident{ID: 2, Title: "Outage", Severity: attest.Sev1, Status: attest.IncidentClosed, DetectedAt: day("2026-02-01"), ResolvedAt: day("2026-02-01"),
		PostMortem: "# PM", Notifications: []attest.Notification{{Audience: "customers", Decision: attest.NotifyYes}}}
	old := attest.Incident{ID: 3, Title: "Old", Severity: attest.Sev3, Status: attest.IncidentClosed, DetectedAt: day("2024-01-01")}
	exercises := []attest.Exercise{
		{Kind: attest.ExerciseIncidentResponse, Format: attest.ExerciseTabletop, HeldOn: "2025-06-02"},
		{Kind: attest.ExerciseDisasterRecovery, Format: attest.ExerciseLive, HeldOn: "2024-05-01"},
	}
	tasks := []store.LinkedTask{
		{Task: attest.Task{Title: "Rotate keys", DueOn: "2026-05-20", Status: attest.TaskOpen}, IncidentID: 1},
		{Task: attest.Task{Title: "Done already", DueOn: "2026-05-20", Status: attest.TaskDone}, IncidentID: 1},
		{Task: attest.Task{Title: "Print runbook", DueOn: "2026-05-01", Status: attest.TaskOpen}, ExerciseID: 9},
	}
	st := programme.IncidentStatus([]attest.Incident{resolved, reviewed, old}, exercises, tasks, "2026-06-01")
	if st.Records["IR-5"] != 1 || len(st.Gaps["IR-5"]) != 0 {
		t.Fatalf("a tabletop within 12 months counts for IR-5: %+v %+v", st.Records, st.Gaps["IR-5"])
	}
	if st.Records["BC-6"] != 0 || len(st.Gaps["BC-6"]) != 1 || !strings.Contains(st.Gaps["BC-6"][0].Message, "disaster recovery") {
		t.Fatalf("a DR test two years ago is a gap on BC-6: %+v", st.Gaps["BC-6"])
	}
	if st.Records["IR-3"] != 2 || st.Records["IR-4"] != 1 || st.Records["IR-6"] != 1 {
		t.Fatalf("records %+v", st.Records)
	}
	if g := st.Gaps["IR-4"]; len(g) != 1 || !strings.Contains(g[0].Message, "Leaked key") || g[0].Code != "incident" {
		t.Fatalf("resolved SEV2 without post-mortem: %+v", g)
	}
	if g := st.Gaps["IR-3"]; len(g) != 2 || !strings.Contains(g[0].Message, "Rotate keys") || !strings.Contains(g[0].Message, "Leaked key") {
		t.Fatalf("overdue actions: %+v", g)
	}
	// A year on, the tabletop no longer counts.
	st = programme.IncidentStatus(nil, exercises, nil, "2026-06-02")
	if st.Records["IR-5"] != 0 || len(st.Gaps["IR-5"]) != 1 {
		t.Fatalf("a tabletop 12 months ago has lapsed: %+v", st)
	}
	// A live DR test last month counts for the restore test too.
	st = programme.IncidentStatus(nil, []attest.Exercise{{Kind: attest.ExerciseDisasterRecovery, Format: attest.ExerciseLive, HeldOn: "2026-05-01"}}, nil, "2026-06-01")
	if st.Records["BC-6"] != 1 || st.Records["BC-4"] != 1 {
		t.Fatalf("live DR test: %+v", st.Records)
	}
}
