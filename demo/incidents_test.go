package demo_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestDemoIncidents(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite, nil)
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	ledger := &chain.Chain{Key: key}
	ev := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20, Ledger: ledger}
	svc := &incident.Service{DB: db, Ledger: ledger}
	opts := demo.Options{PasswordParams: auth.TestParams, Evidence: ev, Incidents: svc, Now: time.Now}
	for range 2 { // idempotent: a second start adds nothing
		if _, err := demo.Seed(ctx, db, opts); err != nil {
			t.Fatal(err)
		}
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	admin := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
	list, err := svc.List(ctx, admin, store.IncidentFilter{})
	if err != nil || len(list) != 3 {
		t.Fatalf("incidents %d %v", len(list), err)
	}
	var closed, open int
	for _, in := range list {
		if in.Status == attest.IncidentClosed && in.Severity == attest.Sev2 && in.RecordUID != "" {
			closed++
			d, _ := svc.Get(ctx, admin, in.ID)
			if len(d.Actions) != 3 {
				t.Errorf("the SEV2 has %d actions", len(d.Actions))
			}
		}
		if !in.Resolved() {
			open++
		}
		if in.Incomplete() != "" {
			t.Errorf("%s: %s", in.Title, in.Incomplete())
		}
	}
	if closed != 1 || open != 1 {
		t.Fatalf("closed SEV2 %d, open %d", closed, open)
	}
	sched, err := svc.Schedule(ctx, admin)
	if err != nil || len(sched) != 2 || sched[0].Overdue || sched[1].Overdue || sched[0].Last == "" || sched[1].Last == "" {
		t.Fatalf("schedule %+v %v", sched, err)
	}
	tasks, _ := db.AllIncidentTasks(ctx, org.ID)
	for _, tk := range tasks {
		if tk.OverdueOn(attest.Today(time.Now())) {
			t.Errorf("overdue demo task %q", tk.Title)
		}
	}
	if _, err := ev.Verify(ctx, org); err != nil {
		t.Fatalf("the demo ledger does not verify: %v", err)
	}
}
