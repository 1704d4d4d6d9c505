package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A vendor review overdue and a checklist item past its due day reach the
// vendor's owner in one digest, once.
func TestVendorReviewsAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		v := attest.Vendor{OrgID: w.org.ID, Name: "Nimbus Cloud", Criticality: "critical", OwnerID: w.lead.ID}
		if err := db.CreateVendor(ctx, &v); err != nil {
			t.Fatal(err)
		}
		r := attest.VendorReview{UID: attest.NewUID("vr_"), OrgID: w.org.ID, VendorID: v.ID, State: attest.ReviewCompleted,
			ReportType: attest.ReportNone, CompletedOn: "2024-05-01", Answers: map[string]string{}}
		if err := db.CreateVendorReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		c := attest.VendorCUEC{OrgID: w.org.ID, ReviewID: r.ID, Description: "Rotate the console keys", DueOn: "2024-06-01"}
		if err := db.AddVendorCUEC(ctx, &c); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		w.round(t, now)
		m := w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		for _, want := range []string{"Vendor review overdue since 2025-05-01: Nimbus Cloud (critical)",
			"Overdue since 2024-06-01: Rotate the console keys (asked by Nimbus Cloud's report)"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the digest lacks %q:\n%s", want, m.Text)
			}
		}
		w.mail.Clear(t)
		if ids := w.round(t, now.Add(24*time.Hour)); len(ids) != 0 {
			t.Fatalf("the same overdue review was announced again: %v", ids)
		}
	})
}
