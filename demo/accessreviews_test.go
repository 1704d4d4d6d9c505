package demo_test

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The demo's access reviews: last quarter's completed with its report as
// evidence, this quarter's open and partly decided; the ledger verifies and
// seeding again adds nothing.
func TestSeedAccessReviews(t *testing.T) {
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
		AccessReviews: &accessreview.Service{DB: db, Ledger: ledger, Evidence: svc}}
	for range 2 {
		if _, err := demo.Seed(ctx, db, opts); err != nil {
			t.Fatal(err)
		}
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	list, err := db.AccessReviews(ctx, attest.Visibility{OrgID: org.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("access reviews: %+v, %v", list, err)
	}
	open, done := list[0], list[1]
	if done.State != attest.AccessReviewCompleted || done.ReportUID == "" || done.Decided != done.Items {
		t.Fatalf("completed review: %+v", done)
	}
	if open.State != attest.AccessReviewOpen || open.Decided != 1 || open.Items < 2 {
		t.Fatalf("open review: %+v", open)
	}
	if _, err := svc.Verify(ctx, org); err != nil {
		t.Fatal(err)
	}
}
