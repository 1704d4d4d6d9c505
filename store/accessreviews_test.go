package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// mustAccessReview starts a campaign of w's organization with one account
// reviewed by w's admin.
func mustAccessReview(t *testing.T, ctx context.Context, db *store.DB, w tenant) (attest.AccessReview, attest.AccessReviewItem) {
	t.Helper()
	r := attest.AccessReview{OrgID: w.org.ID, UID: attest.NewUID("ar_"), Title: "Review of " + w.org.Slug, State: attest.AccessReviewOpen,
		DueOn: "2026-12-15", Systems: []attest.AccessReviewSystem{{Name: "okta", Source: attest.AccessSourceUpload, OwnerID: w.admin.ID}},
		SnapshotHash: "x", StartedBy: w.admin.ID}
	must(t, db.CreateAccessReview(ctx, &r))
	it := attest.AccessReviewItem{OrgID: w.org.ID, ReviewID: r.ID, System: "okta", Key: "k", Login: "k", ReviewerID: w.admin.ID}
	must(t, db.AddAccessReviewItem(ctx, &it))
	return r, it
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"AccessReviews", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ra, _ := mustAccessReview(t, ctx, db, a)
			rb, _ := mustAccessReview(t, ctx, db, b)
			list, err := db.AccessReviews(ctx, attest.Visibility{OrgID: a.org.ID})
			presence(t, "AccessReviews", list, err, func(r attest.AccessReview) bool { return r.ID == ra.ID },
				func(r attest.AccessReview) bool { return r.ID == rb.ID })
			// A reviewer's filter: b's admin reviews nothing of a's.
			if mine, err := db.AccessReviews(ctx, attest.Visibility{OrgID: a.org.ID, OwnerID: b.admin.ID}); err != nil || len(mine) != 0 {
				t.Fatalf("a's campaigns reviewed by b's admin = %+v, %v", mine, err)
			}
		}},
		tenantCase{"AccessReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb, _ := mustAccessReview(t, ctx, db, b)
			_, err := db.AccessReview(ctx, a.org.ID, rb.ID)
			wantNotFound(t, "access review", err)
		}},
		tenantCase{"CreateAccessReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			r := attest.AccessReview{OrgID: a.org.ID, UID: attest.NewUID("ar_"), Title: "x", State: attest.AccessReviewOpen, DueOn: "2026-12-15",
				Systems: []attest.AccessReviewSystem{{Name: "okta", OwnerID: b.admin.ID}}}
			if err := db.CreateAccessReview(ctx, &r); attest.ErrorField(err) != "systems[0].owner" {
				t.Fatalf("a's campaign owned by b's admin: %v", err)
			}
		}},
		tenantCase{"AddAccessReviewItem", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb, _ := mustAccessReview(t, ctx, db, b)
			it := attest.AccessReviewItem{OrgID: a.org.ID, ReviewID: rb.ID, System: "okta", Key: "z", Login: "z"}
			wantNotFound(t, "add item to access review", db.AddAccessReviewItem(ctx, &it))
			ra, _ := mustAccessReview(t, ctx, db, a)
			it = attest.AccessReviewItem{OrgID: a.org.ID, ReviewID: ra.ID, System: "okta", Key: "z", Login: "z", ReviewerID: b.admin.ID}
			if err := db.AddAccessReviewItem(ctx, &it); attest.ErrorField(err) != "reviewer" {
				t.Fatalf("a's item reviewed by b's admin: %v", err)
			}
		}},
		tenantCase{"AccessReviewItems", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb, _ := mustAccessReview(t, ctx, db, b)
			list, err := db.AccessReviewItems(ctx, attest.Visibility{OrgID: a.org.ID}, rb.ID)
			if err != nil || len(list) != 0 {
				t.Fatalf("b's items through a = %+v, %v", list, err)
			}
			ra, ia := mustAccessReview(t, ctx, db, a)
			if list, err := db.AccessReviewItems(ctx, attest.Visibility{OrgID: a.org.ID}, ra.ID); err != nil || len(list) != 1 || list[0].ID != ia.ID {
				t.Fatalf("a's items = %+v, %v", list, err)
			}
		}},
		tenantCase{"AccessReviewItem", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := mustAccessReview(t, ctx, db, b)
			_, err := db.AccessReviewItem(ctx, a.org.ID, ib.ID)
			wantNotFound(t, "access review item", err)
		}},
		tenantCase{"DecideAccessItem", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := mustAccessReview(t, ctx, db, b)
			ib.OrgID, ib.Decision = a.org.ID, attest.DecisionKeep
			wantNotFound(t, "decide access review item", db.DecideAccessItem(ctx, &ib))
		}},
		tenantCase{"ReassignAccessItem", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ib := mustAccessReview(t, ctx, db, b)
			wantNotFound(t, "reassign access review item", db.ReassignAccessItem(ctx, a.org.ID, ib.ID, a.admin.ID))
		}},
		tenantCase{"CompleteAccessReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb, _ := mustAccessReview(t, ctx, db, b)
			wantNotFound(t, "complete access review", db.CompleteAccessReview(ctx, a.org.ID, rb.ID, a.admin.ID, "ev_x"))
			if last, err := db.LastAccessReviewCompleted(ctx, a.org.ID); err != nil || !last.IsZero() {
				t.Fatalf("a's last completion = %v, %v", last, err)
			}
		}},
		tenantCase{"LastAccessReviewCompleted", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			rb, _ := mustAccessReview(t, ctx, db, b)
			must(t, db.CompleteAccessReview(ctx, b.org.ID, rb.ID, b.admin.ID, "ev_b"))
			if last, err := db.LastAccessReviewCompleted(ctx, a.org.ID); err != nil || !last.IsZero() {
				t.Fatalf("b's completion shows for a: %v, %v", last, err)
			}
		}},
		tenantCase{"SetAccessReviewMonths", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SetAccessReviewMonths(ctx, b.org.ID, 6))
			if n, err := db.AccessReviewMonths(ctx, a.org.ID); err != nil || n != 0 {
				t.Fatalf("b's cadence shows for a: %d, %v", n, err)
			}
		}},
		tenantCase{"AccessReviewMonths", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SetAccessReviewMonths(ctx, a.org.ID, 1))
			if n, err := db.AccessReviewMonths(ctx, a.org.ID); err != nil || n != 1 {
				t.Fatalf("a's cadence = %d, %v", n, err)
			}
		}},
	)
}
