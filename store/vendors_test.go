package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// vendorFixture gives an organization a vendor (a new name each time, as
// cases share a database), a draft review naming its evidence, and a checklist
// item.
func vendorFixture(t *testing.T, ctx context.Context, db *store.DB, w tenant) (attest.Vendor, attest.VendorReview, attest.VendorCUEC) {
	t.Helper()
	v := attest.Vendor{OrgID: w.org.ID, Name: attest.NewUID("Cloud "), Criticality: "critical", DataShared: []string{"customer-data"}}
	if err := db.CreateVendor(ctx, &v); err != nil {
		t.Fatal(err)
	}
	r := attest.VendorReview{UID: attest.NewUID("vr_"), OrgID: w.org.ID, VendorID: v.ID, State: attest.ReviewDraft, ReportID: w.ev.ID,
		ReportType: attest.ReportType2, PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Opinion: "unqualified", Answers: map[string]string{}}
	if err := db.CreateVendorReview(ctx, &r); err != nil {
		t.Fatal(err)
	}
	c := attest.VendorCUEC{OrgID: w.org.ID, ReviewID: r.ID, Description: "Review access to the console"}
	if err := db.AddVendorCUEC(ctx, &c); err != nil {
		t.Fatal(err)
	}
	return v, r, c
}

func init() {
	notTenantScoped["CreateVendor"] = "creates a record of the organization it names"
	tenantCases = append(tenantCases,
		tenantCase{"Vendors", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			va, _, _ := vendorFixture(t, ctx, db, a)
			vb, _, _ := vendorFixture(t, ctx, db, b)
			list, err := db.Vendors(ctx, a.org.ID)
			presence(t, "Vendors", list, err, func(v attest.Vendor) bool { return v.ID == va.ID }, func(v attest.Vendor) bool { return v.ID == vb.ID })
		}},
		tenantCase{"Vendor", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			vb, _, _ := vendorFixture(t, ctx, db, b)
			if _, err := db.Vendor(ctx, a.org.ID, vb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a read b's vendor: %v", err)
			}
		}},
		tenantCase{"UpdateVendor", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			vb, _, _ := vendorFixture(t, ctx, db, b)
			vb.OrgID, vb.Name = a.org.ID, "Renamed"
			if err := db.UpdateVendor(ctx, &vb); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a changed b's vendor: %v", err)
			}
		}},
		tenantCase{"VendorReviews", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, ra, _ := vendorFixture(t, ctx, db, a)
			_, rb, _ := vendorFixture(t, ctx, db, b)
			list, err := db.VendorReviews(ctx, a.org.ID, 0)
			presence(t, "VendorReviews", list, err, func(r attest.VendorReview) bool { return r.ID == ra.ID }, func(r attest.VendorReview) bool { return r.ID == rb.ID })
		}},
		tenantCase{"VendorReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, rb, _ := vendorFixture(t, ctx, db, b)
			if _, err := db.VendorReview(ctx, a.org.ID, rb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a read b's review: %v", err)
			}
		}},
		tenantCase{"CreateVendorReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			va, _, _ := vendorFixture(t, ctx, db, a)
			vb, _, _ := vendorFixture(t, ctx, db, b)
			r := attest.VendorReview{UID: attest.NewUID("vr_"), OrgID: a.org.ID, VendorID: vb.ID, State: attest.ReviewDraft, ReportType: attest.ReportNone}
			if err := db.CreateVendorReview(ctx, &r); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a reviewed b's vendor: %v", err)
			}
			r.VendorID, r.ReportID = va.ID, b.ev.ID
			if err := db.CreateVendorReview(ctx, &r); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a's review names b's evidence: %v", err)
			}
		}},
		tenantCase{"UpdateVendorReview", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, rb, _ := vendorFixture(t, ctx, db, b)
			rb.OrgID, rb.Opinion = a.org.ID, "adverse"
			if err := db.UpdateVendorReview(ctx, &rb); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a changed b's review: %v", err)
			}
		}},
		tenantCase{"VendorCUECs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, _, ca := vendorFixture(t, ctx, db, a)
			_, _, cb := vendorFixture(t, ctx, db, b)
			list, err := db.VendorCUECs(ctx, a.org.ID, 0)
			presence(t, "VendorCUECs", list, err, func(c attest.VendorCUEC) bool { return c.ID == ca.ID }, func(c attest.VendorCUEC) bool { return c.ID == cb.ID })
		}},
		tenantCase{"VendorCUEC", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, _, cb := vendorFixture(t, ctx, db, b)
			if _, err := db.VendorCUEC(ctx, a.org.ID, cb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a read b's checklist item: %v", err)
			}
		}},
		tenantCase{"AddVendorCUEC", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, rb, _ := vendorFixture(t, ctx, db, b)
			c := attest.VendorCUEC{OrgID: a.org.ID, ReviewID: rb.ID, Description: "x"}
			if err := db.AddVendorCUEC(ctx, &c); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a added to b's review: %v", err)
			}
		}},
		tenantCase{"UpdateVendorCUEC", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			_, _, cb := vendorFixture(t, ctx, db, b)
			cb.OrgID, cb.Done = a.org.ID, true
			if err := db.UpdateVendorCUEC(ctx, &cb); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a ticked b's checklist item: %v", err)
			}
		}},
		tenantCase{"LinkSubservice", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			va, _, _ := vendorFixture(t, ctx, db, a)
			vb, _, _ := vendorFixture(t, ctx, db, b)
			if err := db.LinkSubservice(ctx, a.org.ID, b.sub.ID, va.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a linked b's subservice organization: %v", err)
			}
			if err := db.LinkSubservice(ctx, a.org.ID, a.sub.ID, vb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a linked its subservice organization to b's vendor: %v", err)
			}
			if err := db.LinkSubservice(ctx, a.org.ID, a.sub.ID, va.ID); err != nil {
				t.Fatal(err)
			}
			subs, _ := db.Subservices(ctx, a.org.ID)
			if len(subs) != 1 || subs[0].VendorName != va.Name {
				t.Fatalf("a's subservices = %+v", subs)
			}
		}},
	)
}
