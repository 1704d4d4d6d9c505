package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func mustIncident(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.Incident {
	t.Helper()
	i := attest.Incident{OrgID: w.org.ID, Title: "Incident of " + w.org.Slug, Severity: attest.Sev2,
		DetectedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Systems: []string{"api"}}
	must(t, db.CreateIncident(ctx, &i, w.admin.ID))
	return i
}

func mustExercise(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.Exercise {
	t.Helper()
	e := attest.Exercise{OrgID: w.org.ID, Kind: attest.ExerciseIncidentResponse, Format: attest.ExerciseTabletop, HeldOn: "2026-01-10",
		Title: "Tabletop of " + w.org.Slug, Scenario: "ransomware", Participants: []string{"Ada"}, RecordUID: "ex_" + w.org.Slug}
	must(t, db.CreateExercise(ctx, &e))
	return e
}

func init() {
	both := func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) (attest.Incident, attest.Incident) {
		return mustIncident(t, ctx, db, a), mustIncident(t, ctx, db, b)
	}
	tenantCases = append(tenantCases,
		tenantCase{"Incidents", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			both(t, ctx, db, a, b)
			list, err := db.Incidents(ctx, a.org.ID, store.IncidentFilter{})
			if err != nil || len(list) != 1 || list[0].OrgID != a.org.ID {
				t.Fatalf("a's incidents = %+v, %v", list, err)
			}
		}},
		tenantCase{"Incident", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := both(t, ctx, db, a, b)
			_, err := db.Incident(ctx, a.org.ID, ib.ID)
			wantNotFound(t, "incident", err)
		}},
		tenantCase{"CreateIncident", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			i := attest.Incident{OrgID: a.org.ID, Title: "x", Severity: attest.Sev3, DetectedAt: time.Now(), OwnerID: b.admin.ID}
			if err := db.CreateIncident(ctx, &i, a.admin.ID); attest.ErrorField(err) != "owner" {
				t.Fatalf("a's incident owned by b's admin: %v", err)
			}
		}},
		tenantCase{"UpdateIncident", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := both(t, ctx, db, a, b)
			ib.OrgID, ib.Title = a.org.ID, "hijacked"
			wantNotFound(t, "update incident", db.UpdateIncident(ctx, &ib))
		}},
		tenantCase{"SignOffIncident", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := both(t, ctx, db, a, b)
			wantNotFound(t, "sign off incident", db.SignOffIncident(ctx, a.org.ID, ib.ID, a.admin.ID, "x"))
		}},
		tenantCase{"Exercises", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			mustExercise(t, ctx, db, a)
			mustExercise(t, ctx, db, b)
			list, err := db.Exercises(ctx, a.org.ID)
			if err != nil || len(list) != 1 || list[0].OrgID != a.org.ID {
				t.Fatalf("a's exercises = %+v, %v", list, err)
			}
		}},
		tenantCase{"Exercise", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			eb := mustExercise(t, ctx, db, b)
			_, err := db.Exercise(ctx, a.org.ID, eb.ID)
			wantNotFound(t, "exercise", err)
		}},
		tenantCase{"CreateExercise", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ea := mustExercise(t, ctx, db, a)
			list, _ := db.Exercises(ctx, b.org.ID)
			for _, e := range list {
				if e.ID == ea.ID {
					t.Fatalf("b sees a's exercise: %+v", list)
				}
			}
		}},
		tenantCase{"LinkIncidentTask", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ia, ib := both(t, ctx, db, a, b)
			wantNotFound(t, "link b's task", db.LinkIncidentTask(ctx, a.org.ID, b.task.ID, ia.ID, 0))
			wantNotFound(t, "link to b's incident", db.LinkIncidentTask(ctx, a.org.ID, a.task.ID, ib.ID, 0))
		}},
		tenantCase{"IncidentTasks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ia, ib := both(t, ctx, db, a, b)
			ta, tb := storetest.MustTask(t, db, a.org, "action", nil), storetest.MustTask(t, db, b.org, "action", nil)
			must(t, db.LinkIncidentTask(ctx, a.org.ID, ta.ID, ia.ID, 0))
			must(t, db.LinkIncidentTask(ctx, b.org.ID, tb.ID, ib.ID, 0))
			list, err := db.IncidentTasks(ctx, a.org.ID, ib.ID, 0)
			if err != nil || len(list) != 0 {
				t.Fatalf("a reads b's incident tasks: %+v, %v", list, err)
			}
			if list, _ := db.IncidentTasks(ctx, a.org.ID, ia.ID, 0); len(list) != 1 || list[0].ID != ta.ID {
				t.Fatalf("a's incident tasks = %+v", list)
			}
		}},
		tenantCase{"AllIncidentTasks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ia, ib := both(t, ctx, db, a, b)
			ta, tb := storetest.MustTask(t, db, a.org, "action", nil), storetest.MustTask(t, db, b.org, "action", nil)
			must(t, db.LinkIncidentTask(ctx, a.org.ID, ta.ID, ia.ID, 0))
			must(t, db.LinkIncidentTask(ctx, b.org.ID, tb.ID, ib.ID, 0))
			list, err := db.AllIncidentTasks(ctx, a.org.ID)
			for _, l := range list {
				if l.OrgID != a.org.ID || l.ID == tb.ID {
					t.Fatalf("a's linked tasks include b's: %+v", l)
				}
			}
			if err != nil || len(list) == 0 || list[len(list)-1].IncidentID != ia.ID {
				t.Fatalf("a's linked tasks = %+v, %v", list, err)
			}
		}},
		tenantCase{"RecordActivity", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.Log(ctx, attest.Activity{OrgID: b.org.ID, Action: "incident.created", RecordType: "incident", RecordID: "1", Summary: "b"}))
			list, err := db.RecordActivity(ctx, a.org.ID, "incident", "1")
			if err != nil || len(list) != 0 {
				t.Fatalf("a reads b's history: %+v, %v", list, err)
			}
		}},
	)
}

func TestIncidentRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "ada@acme.test")
		i := attest.Incident{OrgID: org.ID, Title: " Leaked key ", Severity: attest.Sev1, Status: attest.IncidentResolved,
			OccurredAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), DetectedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
			ResolvedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Systems: []string{"api"}, DataCategories: []string{"emails"},
			PersonalData: true, OwnerID: admin.ID, PostMortem: "# PM",
			Notifications: []attest.Notification{{Audience: "customers", Decision: attest.NotifyYes, Reason: "contract", NotifiedOn: "2026-03-02"}}}
		must(t, db.CreateIncident(ctx, &i, admin.ID))
		got, err := db.Incident(ctx, org.ID, i.ID)
		must(t, err)
		if got.Title != "Leaked key" || got.OwnerName == "" || !got.PersonalData || got.Notification("customers").NotifiedOn != "2026-03-02" ||
			!got.OccurredAt.Equal(i.OccurredAt) || !got.ContainedAt.IsZero() || got.DataCategories[0] != "emails" {
			t.Fatalf("read back %+v", got)
		}
		bad := got
		bad.ResolvedAt = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		if err := db.UpdateIncident(ctx, &bad); attest.ErrorField(err) != "resolved_at" {
			t.Fatalf("resolved before detected saved: %v", err)
		}
		must(t, db.SignOffIncident(ctx, org.ID, i.ID, admin.ID, "pm_1"))
		got, _ = db.Incident(ctx, org.ID, i.ID)
		if got.Status != attest.IncidentClosed || got.SignedOffAt == nil || got.RecordUID != "pm_1" || got.SignedOffName == "" {
			t.Fatalf("after sign-off %+v", got)
		}
		if list, _ := db.Incidents(ctx, org.ID, store.IncidentFilter{Open: true}); len(list) != 0 {
			t.Fatalf("closed incident listed as open: %+v", list)
		}
		if list, _ := db.Incidents(ctx, org.ID, store.IncidentFilter{Severity: attest.Sev1}); len(list) != 1 {
			t.Fatalf("severity filter: %+v", list)
		}
	})
}
