package attest_test

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func validIncident() attest.Incident {
	return attest.Incident{Title: "Leaked API key", Severity: attest.Sev2, Status: attest.IncidentResolved,
		OccurredAt: at("2026-03-01 08:00"), DetectedAt: at("2026-03-01 10:30"), ContainedAt: at("2026-03-01 12:00"), ResolvedAt: at("2026-03-02 09:00"),
		Systems: []string{" api ", "api", ""}}
}

func TestValidateIncidentTimelineOrder(t *testing.T) {
	i := validIncident()
	if err := attest.ValidateIncident(&i); err != nil {
		t.Fatal(err)
	}
	if len(i.Systems) != 1 || i.Systems[0] != "api" {
		t.Fatalf("systems not cleaned: %q", i.Systems)
	}
	i.ResolvedAt = at("2026-03-01 09:00") // before detected
	err := attest.ValidateIncident(&i)
	if f := attest.ErrorField(err); f != "resolved_at" {
		t.Fatalf("resolved before detected: field %q, %v", f, err)
	}
	i = validIncident()
	i.DetectedAt = at("2026-02-28 00:00") // before occurred
	if f := attest.ErrorField(attest.ValidateIncident(&i)); f != "detected_at" {
		t.Fatalf("detected before occurred: field %q", f)
	}
	i = validIncident()
	i.ResolvedAt = time.Time{}
	if f := attest.ErrorField(attest.ValidateIncident(&i)); f != "resolved_at" {
		t.Fatalf("resolved status without a time: field %q", f)
	}
	i = validIncident()
	i.Severity = "sev9"
	if f := attest.ErrorField(attest.ValidateIncident(&i)); f != "severity" {
		t.Fatalf("bad severity: field %q", f)
	}
}

func TestValidateIncidentNotifications(t *testing.T) {
	cases := []struct {
		n     attest.Notification
		field string
	}{
		{attest.Notification{Audience: "customers", Decision: attest.NotifyYes, Reason: "contract"}, "notify_customers_on"},
		{attest.Notification{Audience: "regulators", Decision: attest.NotifyNo}, "notify_regulators_reason"},
		{attest.Notification{Audience: "regulators", Decision: attest.NotifyNo, Reason: "no personal data", NotifiedOn: "2026-03-02"}, "notify_regulators_on"},
		{attest.Notification{Audience: "customers", Decision: attest.NotifyYes, Reason: "contract", NotifiedOn: "2026-02-01"}, "notify_customers_on"},
		{attest.Notification{Audience: "press", Decision: attest.NotifyYes}, "notifications"},
		{attest.Notification{Audience: "customers", Decision: attest.NotifyYes, Reason: "contract", NotifiedOn: "2026-03-02"}, ""},
	}
	for _, c := range cases {
		i := validIncident()
		i.Notifications = []attest.Notification{c.n}
		if f := attest.ErrorField(attest.ValidateIncident(&i)); f != c.field {
			t.Errorf("%+v: field %q, want %q", c.n, f, c.field)
		}
	}
}

func TestIncidentRules(t *testing.T) {
	i := validIncident()
	if d, ok := i.TimeToDetect(); !ok || attest.FormatSpan(d) != "2h 30m" {
		t.Fatalf("time to detect %v %v", d, ok)
	}
	if d, ok := i.TimeToResolve(); !ok || attest.FormatSpan(d) != "22h 30m" {
		t.Fatalf("time to resolve %v", d)
	}
	if i.Incomplete() == "" {
		t.Fatal("a resolved SEV2 without a post-mortem is incomplete")
	}
	i.PostMortem = "# What happened"
	if i.Incomplete() != "" {
		t.Fatal("with a post-mortem it is complete")
	}
	low := validIncident()
	low.Severity = attest.Sev3
	if low.Incomplete() != "" {
		t.Fatal("a SEV3 needs no post-mortem")
	}
	i.ContainedAt = time.Time{}
	if _, ok := i.TimeToContain(); ok {
		t.Fatal("no containment time, no span")
	}
	tasks := []attest.Task{{DueOn: "2026-03-01", Status: attest.TaskOpen}, {DueOn: "2026-03-01", Status: attest.TaskDone}, {DueOn: "2026-04-01", Status: attest.TaskOpen}}
	if got := attest.OverdueActions(tasks, "2026-03-15"); len(got) != 1 {
		t.Fatalf("overdue %+v", got)
	}
}

func TestExerciseScheduleAndValidation(t *testing.T) {
	if got := attest.ExerciseDue("2025-06-10"); got != "2026-06-10" {
		t.Fatalf("due %s", got)
	}
	if !attest.ExerciseCurrent("2025-06-10", "2026-06-09") || attest.ExerciseCurrent("2025-06-10", "2026-06-10") || attest.ExerciseCurrent("", "2026-01-01") {
		t.Fatal("an exercise counts for twelve months")
	}
	e := attest.Exercise{Kind: attest.ExerciseDisasterRecovery, Format: attest.ExerciseLive, HeldOn: "2026-05-01", Title: "Restore", Scenario: "Region lost", Participants: []string{"Ada", " Ada"}}
	if err := attest.ValidateExercise(&e, "2026-06-01"); err != nil || len(e.Participants) != 1 {
		t.Fatalf("%v %q", err, e.Participants)
	}
	if f := attest.ErrorField(attest.ValidateExercise(&e, "2026-04-01")); f != "held_on" {
		t.Fatalf("future date: %q", f)
	}
	e.Participants = nil
	if f := attest.ErrorField(attest.ValidateExercise(&e, "2026-06-01")); f != "participants" {
		t.Fatalf("no participants: %q", f)
	}
}
