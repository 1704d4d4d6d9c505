package evidence_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A corrected piece of evidence no longer covers what it claimed: Type 2
// coverage counts only the current version, on the coverage page and on the
// control's page.
func TestCoverageCountsOnlyCurrentVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, "acme")
		c := storetest.MustControl(t, db, org, "Q-1", attest.StatusImplemented) // quarterly
		day := func(s string) time.Time {
			d, err := time.Parse("2006-01-02", s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		add := func(title, from, to string, supersedes int64) attest.Evidence {
			t.Helper()
			ev, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title,
				Filename: title + ".txt", CollectedAt: day(to), PeriodStart: day(from), PeriodEnd: day(to).Add(24*time.Hour - time.Second),
				ControlIDs: []int64{c.ID}, Supersedes: supersedes}, strings.NewReader(title))
			if err != nil {
				t.Fatalf("add %s: %v", title, err)
			}
			return ev
		}
		// The first version claimed Q1; its correction says it was Q2's.
		first := add("review", "2025-01-01", "2025-03-31", 0)
		add("review corrected", "2025-04-01", "2025-06-30", first.ID)

		w := evidence.Window{From: evidence.Date{Y: 2025, M: time.January, D: 1}, To: evidence.Date{Y: 2025, M: time.December, D: 31}, Loc: time.UTC}
		rep, err := evidence.Report(ctx, &db.Queries, org.ID, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Controls) != 1 {
			t.Fatalf("report controls: %+v", rep.Controls)
		}
		cov := rep.Controls[0].Coverage
		covered := map[string]bool{}
		for _, in := range cov.Instances {
			covered[in.Label] = in.Covered
		}
		if cov.Covered != 1 || rep.Covered != 1 || rep.Instances != 4 || covered["2025-Q1"] || !covered["2025-Q2"] {
			t.Errorf("coverage = %d of %d (report %d of %d), instances %+v; want only 2025-Q2, by the current version",
				cov.Covered, len(cov.Instances), rep.Covered, rep.Instances, cov.Instances)
		}

		// The control's page judges its coverage as the coverage page does.
		sum, err := evidence.SummarizeControl(ctx, &db.Queries, org.ID, c.ID, c.Frequency, 10, day("2025-12-31").Add(12*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		onPage := map[string]bool{}
		for _, in := range sum.Coverage.Instances {
			onPage[in.Label] = in.Covered
		}
		if sum.Coverage.Covered != 1 || onPage["2025-Q1"] || !onPage["2025-Q2"] || sum.Total != 2 {
			t.Errorf("the control's page: coverage %d of %d, instances %+v, %d items; want only 2025-Q2, by the current version, of two items",
				sum.Coverage.Covered, len(sum.Coverage.Instances), sum.Coverage.Instances, sum.Total)
		}
	})
}
