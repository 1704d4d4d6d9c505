package demo_test

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/training"
)

// The demo's training and background checks: some done, some overdue (the
// employee login among them), a check pending past its deadline, one
// missing and an exemption; the ledger verifies and seeding again adds
// nothing.
func TestSeedTraining(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite, nil)
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	ledger := &chain.Chain{Key: key}
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20, Ledger: ledger}
	course, err := training.LoadCourse()
	if err != nil {
		t.Fatal(err)
	}
	opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Evidence: svc,
		Training: &training.Service{DB: db, Ledger: ledger, Evidence: svc, Course: course}}
	for range 2 {
		if _, err := demo.Seed(ctx, db, opts); err != nil {
			t.Fatal(err)
		}
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	done, err := db.TrainingCompletions(ctx, org.ID, 0)
	if err != nil || len(done) != 5 {
		t.Fatalf("completions: %d, %v", len(done), err)
	}
	today := attest.Today(db.Now())
	rows, err := training.Status(ctx, &db.Queries, org.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	overdue := map[string]bool{}
	for _, r := range training.Overdue(rows) {
		overdue[r.Email] = true
	}
	for _, who := range []string{"employee@demo.attest.test", "priya@demo.attest.test", "tomas@demo.attest.test", "jonas@demo.attest.test"} {
		if !overdue[who] {
			t.Errorf("%s is not overdue: %v", who, overdue)
		}
	}
	if len(overdue) != 4 {
		t.Errorf("overdue: %v", overdue)
	}
	checks, err := people.Background(ctx, &db.Queries, org.ID, today)
	if err != nil {
		t.Fatal(err)
	}
	late := map[string]bool{}
	for _, r := range checks {
		if r.Overdue {
			late[r.Email] = true
		}
	}
	if len(late) != 2 || !late["tomas@demo.attest.test"] || !late["jonas@demo.attest.test"] {
		t.Errorf("background checks overdue: %v", late)
	}
	if rep, err := svc.Verify(ctx, org); err != nil || rep.Entries == 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}
