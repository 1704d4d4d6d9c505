package evidencetest_test

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestMustEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, "acme")
		c := storetest.MustControl(t, db, org, "AC-1", attest.StatusImplemented)
		ev := evidencetest.MustEvidence(t, svc, org, "review.csv", c.ID)
		if len(ev.Controls) != 1 || ev.Controls[0].ID != c.ID || ev.Title != "review.csv" {
			t.Fatalf("evidence %+v", ev)
		}
		if rep, err := svc.Verify(t.Context(), org); err != nil || rep.Evidence != 1 {
			t.Fatalf("verify %+v, %v", rep, err)
		}
	})
}
