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

// TestCoverageKept: the coverage report the service keeps between requests
// equals Report derived afresh after every one of a random sequence of
// changes (evidence added and corrected, a control's frequency and status
// changed) and clock moves (periods closing), for two windows, on both
// databases.
func TestCoverageKept(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ow := newWorld(t, d, time.Date(2026, 5, 30, 22, 0, 0, 0, time.UTC), "ACC-1", "ACC-2", "ACC-3")
			db, svc, org, controls, now, ctx := ow.db, ow.svc, ow.org, ow.controls, ow.clock(), t.Context()
			berlin, err := time.LoadLocation("Europe/Berlin")
			if err != nil {
				t.Fatal(err)
			}
			windows := []evidence.Window{
				must(evidence.ParseWindow("2026-01-01", "2026-12-31", "UTC")),
				must(evidence.ParseWindow("2026-04-01", "2026-06-30", berlin.String())),
			}
			rng := rand.New(rand.NewPCG(11, 13))
			var added []attest.Evidence
			frequencies := []string{"monthly", "quarterly", "weekly", "annual"}
			check := func(step int, what string) {
				t.Helper()
				for _, w := range windows {
					got, err := svc.Coverage(ctx, org.ID, w)
					if err != nil {
						t.Fatal(err)
					}
					want, err := evidence.Report(ctx, &db.Queries, org.ID, w)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d, after %s, window %s to %s: the kept report differs from the derived one", step, what, w.From, w.To)
					}
				}
			}
			for step := range 40 {
				what := ""
				switch rng.IntN(4) {
				case 0:
					what = "evidence"
					c := controls[rng.IntN(len(controls))]
					at := now.AddDate(0, 0, -rng.IntN(150))
					title := fmt.Sprintf("item %d", step)
					ev, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title,
						CollectedAt: at, ControlIDs: []int64{c.ID}}, strings.NewReader(title))
					if err != nil {
						t.Fatal(err)
					}
					added = append(added, ev)
				case 1:
					what = "a control changed"
					c := &controls[rng.IntN(len(controls))]
					c.Frequency = frequencies[rng.IntN(len(frequencies))]
					c.Status, c.Justification = attest.StatusImplemented, ""
					if rng.IntN(4) == 0 {
						c.Status, c.Justification = attest.StatusNotApplicable, "Out of scope."
					}
					if err := db.Update(ctx, func(tx *store.Queries) error { return tx.UpdateControl(ctx, c) }); err != nil {
						t.Fatal(err)
					}
				case 2:
					what = "a correction"
					if len(added) > 0 {
						old := added[rng.IntN(len(added))]
						title := fmt.Sprintf("correction %d", step)
						if _, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: title, Filename: title,
							CollectedAt: now.AddDate(0, 0, -rng.IntN(40)), ControlIDs: []int64{controls[0].ID}, Supersedes: old.ID}, strings.NewReader(title)); err != nil &&
							attest.ErrorCode(err) != attest.EINVALID && attest.ErrorCode(err) != attest.ECONFLICT {
							t.Fatal(err)
						}
					}
				default:
					what = "a clock move"
				}
				check(step, what)
				now = now.Add(time.Duration(rng.IntN(72)) * time.Hour)
				ow.set(now)
				check(step, what+" and a clock move")
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
