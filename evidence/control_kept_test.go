package evidence_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestControlSummaryKept: a control's evidence summary the service keeps
// between requests (the newest items and whether each is current, the total,
// the next due date, the coverage of the last twelve months) equals one
// derived afresh after every one of a random sequence of changes (evidence
// added, with and without a period, and corrected; a control's frequency
// changed) and clock moves (from minutes, across an item's expiry, to days,
// across midnights), on both databases. Served without the revision check,
// it would miss the changes; served to the end of the day, it would miss the
// items going stale within it.
func TestControlSummaryKept(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newWorld(t, d, time.Date(2026, 5, 30, 22, 0, 0, 0, time.UTC), "ACC-1", "ACC-2")
			db, svc, org, controls, clock, ctx := w.db, w.svc, w.org, w.controls, w.clock, t.Context()
			rng := rand.New(rand.NewPCG(17, 19))
			var added []attest.Evidence
			frequencies := []string{"weekly", "daily", "monthly", "quarterly", "per-event"}
			const newest = 3 // fewer than the items, so the list is a part of them
			check := func(step int, what string) {
				t.Helper()
				at := clock()
				for _, c := range controls {
					got, err := svc.ControlSummary(ctx, org.ID, c.ID, c.Frequency, newest, at)
					if err != nil {
						t.Fatal(err)
					}
					want, err := evidence.SummarizeControl(ctx, &db.Queries, org.ID, c.ID, c.Frequency, newest, at)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d at %s, after %s, control %s (%s): kept\n%+v\nderived\n%+v", step, at, what, c.Ref, c.Frequency, got, want)
					}
				}
			}
			for step := range 60 {
				what := ""
				switch rng.IntN(4) {
				case 0, 1:
					what = "evidence"
					c := controls[rng.IntN(len(controls))]
					n := evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: fmt.Sprintf("item %d", step),
						Filename: fmt.Sprintf("item-%d.txt", step), CollectedAt: clock().Add(-time.Duration(rng.IntN(20*24)) * time.Hour), ControlIDs: []int64{c.ID}}
					if rng.IntN(3) == 0 {
						n.PeriodEnd = n.CollectedAt.Add(-time.Duration(rng.IntN(5*24)) * time.Hour)
						n.PeriodStart = n.PeriodEnd.AddDate(0, 0, -7)
					}
					ev, err := svc.Add(ctx, n, strings.NewReader(n.Title))
					if err != nil {
						t.Fatal(err)
					}
					added = append(added, ev)
				case 2:
					what = "a correction"
					if len(added) > 0 {
						old := added[rng.IntN(len(added))]
						title := fmt.Sprintf("correction %d", step)
						ev, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title,
							CollectedAt: clock().Add(-time.Duration(rng.IntN(72)) * time.Hour), ControlIDs: []int64{controls[rng.IntN(len(controls))].ID}, Supersedes: old.ID}, strings.NewReader(title))
						if err != nil && attest.ErrorCode(err) != attest.EINVALID && attest.ErrorCode(err) != attest.ECONFLICT {
							t.Fatal(err)
						}
						if err == nil {
							added = append(added, ev)
						}
					}
				default:
					what = "a frequency changed"
					c := &controls[rng.IntN(len(controls))]
					c.Frequency = frequencies[rng.IntN(len(frequencies))]
					if err := db.Update(ctx, func(tx *store.Queries) error { return tx.UpdateControl(ctx, c) }); err != nil {
						t.Fatal(err)
					}
				}
				check(step, what)
				// To the moment the soonest listed item goes stale (or the
				// next due date passes), when that is within the day: the
				// summary changes there, with nothing else changed.
				soonest := time.Time{}
				for _, c := range controls {
					sum, err := evidence.SummarizeControl(ctx, &db.Queries, org.ID, c.ID, c.Frequency, newest, clock())
					if err != nil {
						t.Fatal(err)
					}
					ends := []time.Time{sum.NextDue}
					for _, it := range sum.Newest {
						if it.Fresh {
							ends = append(ends, it.ExpiresAt)
						}
					}
					for _, e := range ends {
						if e.After(clock()) && (soonest.IsZero() || e.Before(soonest)) {
							soonest = e
						}
					}
				}
				if !soonest.IsZero() && soonest.Sub(clock()) < 20*time.Hour {
					w.set(soonest)
					check(step, what+" and a clock move to an expiry")
				}
				// Short moves cross items' expiries within a day; long ones
				// cross midnights and whole periods.
				for _, move := range []time.Duration{time.Duration(rng.IntN(90)) * time.Minute, time.Duration(rng.IntN(40)) * time.Hour} {
					w.set(clock().Add(move))
					check(step, what+" and a clock move")
				}
			}
			if hits, misses := evidence.ControlSummaryStats(svc); hits == 0 || misses == 0 {
				t.Errorf("kept %d times and derived %d: the sequence does not exercise both", hits, misses)
			}
		})
	}
}
