package evidence_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestExpiringKept: what the service says expires within 30 days, with its
// rows kept between requests, equals the brute-force answer (every current
// item of every active control judged by ExpiresAt) after every one of a
// random sequence of changes (evidence added and corrected, frequencies
// changed, controls retired) and clock moves, on both databases; and so does
// the count of the list.
func TestExpiringKept(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2026, 3, 30, 22, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			db := storetest.Open(t, d, clock)
			svc := evidencetest.NewService(t, db)
			ctx := t.Context()
			org := storetest.MustOrg(t, db, "acme")
			var controls []attest.Control
			for _, ref := range []string{"ACC-1", "ACC-2", "ACC-3", "ACC-4"} {
				controls = append(controls, storetest.MustControl(t, db, org, ref, attest.StatusImplemented))
			}
			frequencies := []string{"monthly", "quarterly", "weekly", "annual", "daily"}
			rng := rand.New(rand.NewPCG(17, 19))
			var added []attest.Evidence
			within := 30 * 24 * time.Hour
			truth := func() []evidence.Expiring {
				t.Helper()
				active := map[int64]attest.Control{}
				cs, err := db.Controls(ctx, org.ID, store.ControlFilter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					active[c.ID] = c
				}
				items, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{})
				if err != nil {
					t.Fatal(err)
				}
				var out []evidence.Expiring
				for _, e := range items {
					for _, ref := range e.Controls {
						c, ok := active[ref.ID]
						if !ok {
							continue
						}
						exp := evidence.ExpiresAt(evidence.Item{CollectedAt: e.CollectedAt, PeriodEnd: e.PeriodEnd}, c.Frequency)
						if exp.After(now) && exp.Before(now.Add(within)) {
							out = append(out, evidence.Expiring{Evidence: attest.Evidence{ID: e.ID, Title: e.Title}, Control: attest.ControlRef{ID: c.ID, Ref: c.Ref}, ExpiresAt: exp})
						}
					}
				}
				return out
			}
			order := func(list []evidence.Expiring) []string {
				slices.SortFunc(list, func(a, b evidence.Expiring) int {
					return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.Evidence.ID, b.Evidence.ID), cmp.Compare(a.Control.ID, b.Control.ID))
				})
				var s []string
				for _, x := range list {
					s = append(s, fmt.Sprintf("%d/%s/%s/%s", x.Evidence.ID, x.Evidence.Title, x.Control.Ref, x.ExpiresAt.Format(time.RFC3339)))
				}
				return s
			}
			check := func(step int, what string) {
				t.Helper()
				got, complete, err := svc.Expiring(ctx, org.ID, clock(), within)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.IsSortedFunc(got, func(a, b evidence.Expiring) int { return a.ExpiresAt.Compare(b.ExpiresAt) }) {
					t.Fatalf("step %d: the list is not soonest first", step)
				}
				if g, w := order(got), order(truth()); !complete || !slices.Equal(g, w) {
					t.Fatalf("step %d, after %s (complete %v):\n got %v\nwant %v", step, what, complete, g, w)
				}
				n, err := svc.Count(ctx, org.ID, store.EvidenceFilter{})
				m, err2 := db.EvidenceCount(ctx, org.ID, store.EvidenceFilter{})
				if err != nil || err2 != nil || n != m {
					t.Fatalf("step %d, after %s: kept count %d, counted %d (%v, %v)", step, what, n, m, err, err2)
				}
			}
			for step := range 60 {
				what := ""
				switch rng.IntN(5) {
				case 0, 1:
					what = "evidence"
					c := controls[rng.IntN(len(controls))]
					title := fmt.Sprintf("item %d", step)
					ev, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title,
						CollectedAt: now.AddDate(0, 0, -rng.IntN(400)), ControlIDs: []int64{c.ID}}, strings.NewReader(title))
					if err != nil {
						t.Fatal(err)
					}
					added = append(added, ev)
				case 2:
					what = "a frequency changed"
					c := &controls[rng.IntN(len(controls))]
					c.Frequency = frequencies[rng.IntN(len(frequencies))]
					if err := db.Update(ctx, func(tx *store.Queries) error { return tx.UpdateControl(ctx, c) }); err != nil {
						t.Fatal(err)
					}
				case 3:
					what = "a correction or a retirement"
					if rng.IntN(3) == 0 {
						c := controls[rng.IntN(len(controls))]
						if err := db.Update(ctx, func(tx *store.Queries) error { return tx.SetControlRetired(ctx, org.ID, c.ID, rng.IntN(2) == 0) }); err != nil {
							t.Fatal(err)
						}
					} else if len(added) > 0 {
						old := added[rng.IntN(len(added))]
						title := fmt.Sprintf("correction %d", step)
						if _, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title,
							CollectedAt: now.AddDate(0, 0, -rng.IntN(100)), ControlIDs: []int64{controls[rng.IntN(len(controls))].ID}, Supersedes: old.ID},
							strings.NewReader(title)); err != nil && attest.ErrorCode(err) != attest.EINVALID && attest.ErrorCode(err) != attest.ECONFLICT {
							t.Fatal(err)
						}
					}
				default:
					what = "a clock move"
				}
				check(step, what)
				mu.Lock()
				now = now.Add(time.Duration(rng.IntN(30)) * time.Hour)
				mu.Unlock()
				check(step, what+" and a clock move")
			}
			// Then nothing changes for two months, and the days pass: items
			// come into the window and go stale with time alone.
			for step := range 120 {
				mu.Lock()
				now = now.Add(12 * time.Hour)
				mu.Unlock()
				check(step, "half a day with no change")
			}
		})
	}
}
