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
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/vendors"
)

// The demo's vendor register: ten vendors, a critical one reviewed with its
// report and its checklist partly done, a review overdue, the subservice
// organizations in scope linked to their vendors; the ledger verifies and
// seeding again adds nothing.
func TestSeedVendors(t *testing.T) {
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
	opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Evidence: svc,
		Vendors: &vendors.Service{DB: db, Ledger: ledger, Evidence: svc}}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	list, err := db.Vendors(ctx, org.ID)
	if err != nil || len(list) != 10 {
		t.Fatalf("vendors: %d, %v", len(list), err)
	}
	today := attest.Today(db.Now())
	overdue := 0
	for _, v := range list {
		if v.ReviewOverdueOn(today) {
			overdue++
		}
	}
	if overdue != 1 {
		t.Errorf("%d reviews overdue, want Google Workspace's", overdue)
	}
	cuecs, _ := db.VendorCUECs(ctx, org.ID, 0)
	done := 0
	for _, c := range cuecs {
		if c.Done {
			done++
		}
	}
	if done == 0 || done == len(cuecs) {
		t.Errorf("the checklist is not partly done: %d of %d", done, len(cuecs))
	}
	subs, _ := db.Subservices(ctx, org.ID)
	for _, s := range subs {
		if s.VendorName != s.Name {
			t.Errorf("subservice %s is not linked to its vendor (%q)", s.Name, s.VendorName)
		}
	}
	a, err := programme.Assess(ctx, &db.Queries, cat, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	gaps := 0
	for _, c := range a.Controls {
		for _, g := range c.Gaps {
			if g.Code == readiness.GapVendorReview {
				gaps++
			}
		}
	}
	if gaps == 0 {
		t.Error("demo readiness shows no vendor gap")
	}
	if _, err := svc.Verify(ctx, org); err != nil {
		t.Fatalf("demo ledger does not verify: %v", err)
	}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Vendors(ctx, org.ID); len(again) != len(list) {
		t.Fatalf("reseeding added vendors: %d → %d", len(list), len(again))
	}
}
