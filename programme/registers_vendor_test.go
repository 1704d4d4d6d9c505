package programme

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestVendorRegisterFeedsReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		add := func(name, crit string, data ...string) attest.Vendor {
			v := attest.Vendor{OrgID: org.ID, Name: name, Criticality: crit, DataShared: data}
			if err := db.CreateVendor(ctx, &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		review := func(v attest.Vendor, completed, opinion, response string) attest.VendorReview {
			r := attest.VendorReview{UID: attest.NewUID("vr_"), OrgID: org.ID, VendorID: v.ID, State: attest.ReviewCompleted,
				ReportType: attest.ReportNone, CompletedOn: completed, Answers: map[string]string{}}
			if opinion != "" {
				r.ReportType, r.PeriodStart, r.PeriodEnd, r.Opinion, r.Response = attest.ReportType2, "2025-01-01", "2025-12-31", opinion, response
			}
			if completed == "" {
				r.State = attest.ReviewDraft
			}
			if err := db.CreateVendorReview(ctx, &r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		current := add("Current Cloud", "critical", "personal-data")
		review(current, "2026-01-10", "unqualified", "")
		stale := add("Stale Mail", "low")
		review(stale, "2024-06-01", "", "")
		add("New Pay", "high") // never reviewed
		qualified := add("Shaky Host", "medium")
		review(qualified, "", "qualified", "") // a draft read but not answered
		r := review(current, "", "", "")
		c := attest.VendorCUEC{OrgID: org.ID, ReviewID: r.ID, Description: "Rotate API keys", DueOn: "2026-02-01"}
		if err := db.AddVendorCUEC(ctx, &c); err != nil {
			t.Fatal(err)
		}
		gone := add("Old CRM", "critical")
		gone.Status = attest.VendorOffboarded
		if err := db.UpdateVendor(ctx, &gone); err != nil {
			t.Fatal(err)
		}
		st, err := vendorRegister(ctx, &db.Queries, org.ID, "2026-03-02")
		if err != nil {
			t.Fatal(err)
		}
		if st.Records["VEND-4"] != 1 || st.Records["VEND-2"] != 1 || st.Records["PRIV-14"] != 1 {
			t.Fatalf("records: %+v", st.Records)
		}
		want := []string{
			"New Pay is a high vendor without a completed review.",
			"The review of Stale Mail was due on 2025-06-01.",
			"The SOC 2 Type 2 report of Shaky Host carries a qualified opinion and no recorded response.",
			`The user entity control "Rotate API keys" that Current Cloud's report asks of us was due on 2026-02-01 and is not done.`,
		}
		gaps := st.Gaps["VEND-4"]
		if len(gaps) != len(want) {
			t.Fatalf("gaps: %+v", gaps)
		}
		for i, g := range gaps {
			if g.Code != readiness.GapVendorReview || g.Message != want[i] {
				t.Errorf("gap %d = %+v, want %q", i, g, want[i])
			}
		}
		if len(st.Gaps["PRIV-14"]) != 1 {
			t.Fatalf("the personal-data vendor's open item reaches the privacy control: %+v", st.Gaps["PRIV-14"])
		}
	})
}
