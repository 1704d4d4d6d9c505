package programme_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// Readiness judges evidence by the end of the period it covers, not by when it
// was uploaded, and counts only the current version of corrected evidence.
func TestFreshnessFollowsPeriodEndAndCurrentVersion(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := db.Now()
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, "acme")
		// All three controls are quarterly.
		recent := storetest.MustControl(t, db, org, "F-1", attest.StatusImplemented)
		oldPeriod := storetest.MustControl(t, db, org, "F-2", attest.StatusImplemented)
		corrected := storetest.MustControl(t, db, org, "F-3", attest.StatusImplemented)

		add := func(title string, c attest.Control, periodEnd time.Time, supersedes int64) attest.Evidence {
			t.Helper()
			n := evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title + ".txt",
				ControlIDs: []int64{c.ID}, Supersedes: supersedes}
			if !periodEnd.IsZero() {
				n.PeriodStart, n.PeriodEnd = periodEnd.AddDate(0, -3, 0), periodEnd
			}
			ev, err := svc.Add(ctx, n, strings.NewReader(title))
			if err != nil {
				t.Fatalf("add %s: %v", title, err)
			}
			return ev
		}
		twoYearsAgo := now.AddDate(-2, 0, 0)
		add("collected today", recent, time.Time{}, 0)
		// Uploaded today, but it speaks for a quarter that ended two years ago.
		add("old quarter", oldPeriod, twoYearsAgo, 0)
		// Fresh first version, corrected by one whose period is long over:
		// the correction is what counts.
		first := add("first version", corrected, time.Time{}, 0)
		add("correction", corrected, twoYearsAgo, first.ID)

		controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
		if err != nil {
			t.Fatal(err)
		}
		times, err := db.EvidenceTimes(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := times[oldPeriod.ID]; len(got) != 1 || got[0].PeriodEnd.IsZero() {
			t.Fatalf("EvidenceTimes lost the period end: %+v", got)
		}
		in := programme.Input(cat.SOC2(), nil, controls, times, now)
		want := map[string][2]int{"F-1": {1, 0}, "F-2": {0, 1}, "F-3": {0, 1}} // fresh, stale
		for _, c := range in.Controls {
			if got := [2]int{c.FreshEvidence, c.StaleEvidence}; got != want[c.Ref] {
				t.Errorf("%s: fresh, stale = %v, want %v", c.Ref, got, want[c.Ref])
			}
			delete(want, c.Ref)
		}
		if len(want) != 0 {
			t.Errorf("controls missing from the input: %v", want)
		}
	})
}
