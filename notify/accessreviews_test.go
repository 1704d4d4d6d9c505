package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// An overdue access review reaches the reviewer of its undecided accounts
// in one digest (given, then overdue), once; a decided account is not
// counted.
func TestAccessReviewsAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		r := attest.AccessReview{OrgID: w.org.ID, UID: attest.NewUID("ar_"), Title: "Q2 review", State: attest.AccessReviewOpen, DueOn: "2024-06-30",
			Systems: []attest.AccessReviewSystem{{Name: "Billing DB", Source: attest.AccessSourceUpload, OwnerID: w.lead.ID}}, SnapshotHash: "x"}
		if err := db.CreateAccessReview(ctx, &r); err != nil {
			t.Fatal(err)
		}
		for _, login := range []string{"root", "ops", "backup"} {
			it := attest.AccessReviewItem{OrgID: w.org.ID, ReviewID: r.ID, System: "Billing DB", Key: login, Login: login, ReviewerID: w.lead.ID}
			if err := db.AddAccessReviewItem(ctx, &it); err != nil {
				t.Fatal(err)
			}
			if login == "backup" {
				it.Decision, it.DecidedBy = attest.DecisionKeep, w.lead.ID
				if err := db.DecideAccessItem(ctx, &it); err != nil {
					t.Fatal(err)
				}
			}
		}
		now := time.Now().UTC()
		w.round(t, now)
		m := w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		for _, want := range []string{"Access review “Q2 review” was due 2024-06-30: 2 account(s) still to decide"} {
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
