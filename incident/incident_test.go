package incident_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

type world struct {
	svc            *incident.Service
	ev             *evidence.Service
	db             *store.DB
	org            attest.Organization
	admin, auditor attest.Principal
	employee       attest.Principal
	adminUser      attest.User
}

func each(t *testing.T, fn func(t *testing.T, w world)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			c := &clock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
			db := storetest.Open(t, d, c.now)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			w := world{db: db, ev: ev, svc: &incident.Service{DB: db, Ledger: ev.Ledger}}
			w.org = storetest.MustOrg(t, db, "acme")
			member := func(role attest.Role, email string) attest.Principal {
				u := storetest.MustMember(t, db, w.org, role, email)
				if role == attest.RoleAdmin {
					w.adminUser = u
				}
				return attest.Principal{UserID: u.ID, Label: email, OrgID: w.org.ID, Role: role}
			}
			w.admin = member(attest.RoleAdmin, "ada@acme.test")
			w.auditor = member(attest.RoleAuditor, "audrey@audit.test")
			w.employee = member(attest.RoleEmployee, "erin@acme.test")
			fn(t, w)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func leak() attest.Incident {
	return attest.Incident{Title: "API key leaked in a public gist", Severity: attest.Sev2,
		OccurredAt: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC), DetectedAt: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
		Systems: []string{"billing API"}}
}

func TestIncidentLifecycle(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		if _, err := w.svc.Create(ctx, w.auditor, leak()); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an auditor recorded an incident: %v", err)
		}
		in := must(w.svc.Create(ctx, w.admin, leak()))
		// Corrective action as a task, listed with the incident.
		act := must(w.svc.AddAction(ctx, w.admin, in.ID, attest.Task{Title: "Add secret scanning to CI", OwnerID: w.admin.UserID, DueOn: "2026-05-20"}))
		d := must(w.svc.Get(ctx, w.admin, in.ID))
		if len(d.Actions) != 1 || d.Actions[0].ID != act.ID || !d.Actions[0].OverdueOn("2026-06-01") {
			t.Fatalf("actions %+v", d.Actions)
		}
		// Resolving before detection names the field; nothing is stored.
		bad := d.Incident
		bad.Status, bad.ResolvedAt = attest.IncidentResolved, time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)
		if _, err := w.svc.Update(ctx, w.admin, bad); attest.ErrorField(err) != "resolved_at" {
			t.Fatalf("resolved before detected: %v", err)
		}
		// A decided notification needs its date.
		upd := d.Incident
		upd.Notifications = []attest.Notification{{Audience: "customers", Decision: attest.NotifyYes, Reason: "contractual duty"}}
		if _, err := w.svc.Update(ctx, w.admin, upd); attest.ErrorField(err) != "notify_customers_on" {
			t.Fatalf("notification without date: %v", err)
		}
		upd.Notifications[0].NotifiedOn = "2026-05-02"
		upd.Status, upd.ContainedAt, upd.ResolvedAt = attest.IncidentResolved, time.Date(2026, 5, 1, 11, 0, 0, 0, time.UTC), time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
		in = must(w.svc.Update(ctx, w.admin, upd))
		if in.Incomplete() == "" {
			t.Fatal("a resolved SEV2 without a post-mortem is incomplete")
		}
		if _, err := w.svc.SignOff(ctx, w.admin, in.ID); attest.ErrorField(err) != "post_mortem" {
			t.Fatalf("signed off without a post-mortem: %v", err)
		}
		in.PostMortemEvidence = "ev_00000000000000000000"
		if _, err := w.svc.Update(ctx, w.admin, in); attest.ErrorField(err) != "post_mortem_evidence" {
			t.Fatalf("an unknown post-mortem document: %v", err)
		}
		in.PostMortemEvidence = ""
		in.PostMortem = "# Post-mortem\n\nThe key was pasted into a gist."
		in = must(w.svc.Update(ctx, w.admin, in))
		in = must(w.svc.SignOff(ctx, w.admin, in.ID))
		if in.Status != attest.IncidentClosed || in.RecordUID == "" || in.SignedOffName == "" {
			t.Fatalf("after sign-off: %+v", in)
		}
		if _, err := w.svc.Update(ctx, w.admin, in); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a closed incident changed: %v", err)
		}
		// History: every change is an activity entry on the incident.
		d = must(w.svc.Get(ctx, w.auditor, in.ID))
		var actions []string
		for _, a := range d.History {
			actions = append(actions, a.Action)
		}
		if got := strings.Join(actions, ","); got != "incident.signed_off,incident.updated,incident.updated,incident.task_added,incident.created" {
			t.Fatalf("history %s", got)
		}
		if !strings.Contains(d.History[2].Summary, `status "open" → "resolved"`) {
			t.Fatalf("update summary %q", d.History[2].Summary)
		}
		// The sign-off is a ledger record that verifies, and travels in the bundle.
		rec, err := w.db.LedgerRecords(ctx, w.org.ID)
		if err != nil || len(rec) != 1 || rec[0].Type != ledger.RecordTypeIncidentPostMortem || rec[0].ID != in.RecordUID {
			t.Fatalf("ledger records %+v %v", rec, err)
		}
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatalf("verify: %v", err)
		}
		var buf bytes.Buffer
		if _, err := w.ev.Export(ctx, w.org, &buf); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), w.ev.Ledger.Public()); err != nil {
			t.Fatalf("bundle: %v", err)
		}
	})
}

func TestExercisesAndSchedule(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		e := attest.Exercise{Kind: attest.ExerciseIncidentResponse, Format: attest.ExerciseTabletop, HeldOn: "2025-09-15",
			Title: "Ransomware tabletop", Scenario: "Laptops encrypted on a Friday night", Participants: []string{"Ada", "Ben"}}
		if _, err := w.svc.RecordExercise(ctx, w.employee, e); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee recorded an exercise: %v", err)
		}
		future := e
		future.HeldOn = "2026-07-01"
		if _, err := w.svc.RecordExercise(ctx, w.admin, future); attest.ErrorField(err) != "held_on" {
			t.Fatalf("future exercise: %v", err)
		}
		e = must(w.svc.RecordExercise(ctx, w.admin, e))
		if e.RecordUID == "" {
			t.Fatal("no ledger record")
		}
		must(w.svc.AddFollowUp(ctx, w.admin, e.ID, attest.Task{Title: "Print the on-call list"}))
		d := must(w.svc.Exercise(ctx, w.auditor, e.ID))
		if len(d.FollowUps) != 1 || len(d.History) != 2 {
			t.Fatalf("exercise detail %+v", d)
		}
		sched := must(w.svc.Schedule(ctx, w.admin))
		if sched[0].Kind != attest.ExerciseIncidentResponse || sched[0].Due != "2026-09-15" || sched[0].Overdue {
			t.Fatalf("IR schedule %+v", sched[0])
		}
		if sched[1].Kind != attest.ExerciseDisasterRecovery || sched[1].Last != "" || !sched[1].Overdue {
			t.Fatalf("DR never held is due now: %+v", sched[1])
		}
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatalf("verify: %v", err)
		}
	})
}

func TestImportAllOrNothing(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		cases := []struct{ csv, want string }{
			{"title,severity,detected_at,colour\nx,sev1,2026-05-01,red\n", `unknown column "colour"`},
			{"title,severity\nx,sev1\n", `"detected_at" is required`},
			{"title,severity,detected_at\nok,sev2,2026-05-01 10:00\nbad,sev9,2026-05-01\n", "line 3: severity"},
			{"title,severity,detected_at,resolved_at,status\nok,sev2,2026-05-03 10:00,2026-05-01 10:00,resolved\n", "line 2: resolved_at"},
			{"title,severity,detected_at,notify_regulators,notify_regulators_reason\nok,sev2,2026-05-03,notify,GDPR\n", "line 2: notify_regulators_on"},
			{"title,severity,detected_at,owner\nok,sev2,2026-05-03,nobody@x.test\n", "line 2: owner"},
		}
		for _, c := range cases {
			_, err := w.svc.Import(ctx, w.admin, strings.NewReader(c.csv))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: %v, want %q", c.csv, err, c.want)
			}
		}
		if list := must(w.svc.List(ctx, w.admin, store.IncidentFilter{})); len(list) != 0 {
			t.Fatalf("a rejected import stored %d incidents", len(list))
		}
		good := "title,severity,status,detected_at,resolved_at,systems,personal_data,owner,notify_customers,notify_customers_reason,notify_customers_on\n" +
			"Phishing,sev3,resolved,2026-05-01 10:00,2026-05-02T09:00:00Z,mail; sso,yes,ada@acme.test,notify,affected accounts,2026-05-02\n" +
			"=SUM(A1),sev4,,2026-05-04,,,no,,,,\n"
		rep := must(w.svc.Import(ctx, w.admin, strings.NewReader(good)))
		if rep.Rows != 2 || len(rep.Created) != 2 {
			t.Fatalf("report %+v", rep)
		}
		var out bytes.Buffer
		if err := w.svc.ExportCSV(ctx, w.admin, store.IncidentFilter{}, &out); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.Contains(s, "'=SUM(A1)") || !strings.Contains(s, "mail; sso") || !strings.Contains(s, "ada@acme.test") || !strings.Contains(s, "2026-05-02T09:00:00Z") {
			t.Fatalf("export:\n%s", s)
		}
	})
}
