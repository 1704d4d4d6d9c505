package programme_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/training"
)

// TestReadinessCacheEqualsDerivation makes random changes to an
// organization (evidence of every age, control statuses, retirements,
// people, failing test results with exceptions that expire, scope) and moves
// the clock by minutes to weeks, and after each step compares what the
// cache serves with what AssessFramework derives, for SOC 2 and ISO 27001,
// on both databases. It also holds the cache to serving, not deriving, when
// nothing changed.
func TestReadinessCacheEqualsDerivation(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			cur := time.Date(2026, 3, 30, 22, 50, 0, 0, time.UTC) // near a midnight and a month end
			db := storetest.Open(t, d, func() time.Time { return cur })
			svc := evidencetest.NewService(t, db)
			org := storetest.MustOrg(t, db, "acme")
			other := storetest.MustOrg(t, db, "other")
			for _, o := range []attest.Organization{org, other} {
				if _, err := programme.Adopt(ctx, &db.Queries, cat, o.ID); err != nil {
					t.Fatal(err)
				}
			}
			requester := storetest.MustMember(t, db, org, attest.RoleManager, "lead@acme.test")
			controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
			if err != nil {
				t.Fatal(err)
			}
			col := attest.CollectionRun{OrgID: org.ID, UID: "col_1", ConnectionID: 1, ConnectionName: "gh", Connector: "github",
				StartedAt: cur, FinishedAt: cur, SnapshotSHA256: strings.Repeat("a", 64)}
			if err := db.AddCollection(ctx, &col); err != nil {
				t.Fatal(err)
			}
			// The control the failing results count against and the
			// training and background check controls are implemented and
			// kept so (the first three of the list, and CRY-1 below), so whether an exception still holds
			// and whether a joiner's training is overdue show in their states.
			for i, id := range []string{controls[0].LibraryID, training.Control, people.BackgroundControl, "CRY-1"} {
				j := slices.IndexFunc(controls, func(c attest.Control) bool { return c.LibraryID == id })
				controls[i], controls[j] = controls[j], controls[i]
				controls[i].Status = attest.StatusImplemented
				if err := db.UpdateControl(ctx, &controls[i]); err != nil {
					t.Fatal(err)
				}
			}
			// The fourth (a control no register speaks for), implemented
			// and owned too, gets items about to go stale: its state turns
			// on whether one is still fresh.
			controls[3].OwnerID = requester.ID
			if err := db.UpdateControl(ctx, &controls[3]); err != nil {
				t.Fatal(err)
			}
			const kept = 4
			lib := controls[0].LibraryID
			if _, err := db.SaveTestVersion(ctx, org.ID, "sha256:v1", "t.one", []byte(`{"id":"t.one"}`), []string{lib}); err != nil {
				t.Fatal(err)
			}
			rc := &programme.Readiness{DB: db, Catalog: cat}
			rng := rand.New(rand.NewPCG(7, 11))
			statuses := []string{attest.StatusNotStarted, attest.StatusInProgress, attest.StatusImplemented}
			results := 0
			var expiries []time.Time // when each item added goes stale

			compare := func(step int, what string) {
				t.Helper()
				for _, fw := range []string{programme.Framework, programme.ISO27001} {
					want, werr := programme.AssessFramework(ctx, &db.Queries, cat, org.ID, fw)
					got, gerr := rc.AssessFramework(ctx, org.ID, fw)
					if attest.ErrorCode(werr) != attest.ErrorCode(gerr) || (werr == nil) != (gerr == nil) {
						t.Fatalf("step %d (%s), %s: derived error %v, cached error %v", step, what, fw, werr, gerr)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d (%s) at %s, %s: the cache serves a different assessment:\ncached  %+v\nderived %+v",
							step, what, cur, fw, summary(got), summary(want))
					}
				}
			}
			for step := range 120 {
				var what string
				switch op := rng.IntN(13); op {
				case 0, 1:
					// Evidence of any age, or about to go stale for its
					// control's frequency within a day or two.
					c := controls[rng.IntN(len(controls))]
					at := cur.Add(-time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
					if rng.IntN(2) == 0 {
						exp := evidence.ExpiresAt(evidence.Item{CollectedAt: cur}, c.Frequency)
						at = cur.Add(-exp.Sub(cur)).Add(time.Duration(rng.Int64N(int64(48 * time.Hour))))
					}
					if op == 1 {
						// The fourth control only ever gets items hours from
						// going stale, so its one fresh item decides its state.
						c = controls[3]
						exp := evidence.ExpiresAt(evidence.Item{CollectedAt: cur}, c.Frequency)
						at = cur.Add(-exp.Sub(cur)).Add(time.Duration(rng.Int64N(int64(12 * time.Hour))))
					}
					n := evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindAttestation, Title: "item", CollectedAt: at,
						ControlIDs: []int64{c.ID}}
					if _, err := svc.Add(ctx, n, strings.NewReader(fmt.Sprint(step))); err != nil {
						t.Fatal(err)
					}
					expiries = append(expiries, evidence.ExpiresAt(evidence.Item{CollectedAt: at}, c.Frequency))
					what = "evidence for " + c.Ref
				case 2:
					c := controls[kept+rng.IntN(len(controls)-kept)]
					c.Status = statuses[rng.IntN(len(statuses))]
					if err := db.UpdateControl(ctx, &c); err != nil {
						t.Fatal(err)
					}
					what = c.Ref + " " + c.Status
				case 3:
					i := kept + rng.IntN(len(controls)-kept)
					retired := !controls[i].Retired()
					if err := db.SetControlRetired(ctx, org.ID, controls[i].ID, retired); err != nil {
						t.Fatal(err)
					}
					if controls[i], err = db.Control(ctx, org.ID, controls[i].ID); err != nil {
						t.Fatal(err)
					}
					what = fmt.Sprintf("retired %v", retired)
				case 4:
					// A joiner whose training and background check fall due
					// within days: the day's turn changes readiness.
					p := attest.Person{OrgID: org.ID, Name: fmt.Sprintf("Person %d", step), Email: fmt.Sprintf("p%d@acme.test", step),
						StartDate: attest.Today(cur.AddDate(0, 0, -rng.IntN(40)))}
					if err := db.CreatePerson(ctx, &p); err != nil {
						t.Fatal(err)
					}
					what = "a person who started " + p.StartDate
				case 5:
					results++
					ref := attest.ResourceRef{Type: "github.repository", Key: fmt.Sprintf("acme/r%d", results)}
					r := attest.TestResult{OrgID: org.ID, ConnectionID: 1, Test: "t.one", TestVersion: "sha256:v1", Resource: ref,
						Status: attest.ResultFail, Message: "fails", CollectionID: col.ID, Since: cur, CheckedAt: cur}
					if err := db.InsertResult(ctx, &r); err != nil {
						t.Fatal(err)
					}
					x := attest.TestException{OrgID: org.ID, UID: fmt.Sprintf("exc_%d", results), Test: "t.one", Resource: ref, Reason: "accepted",
						RequestedBy: requester.ID, ExpiresAt: cur.Add(time.Duration(1+rng.IntN(72)) * time.Hour)}
					if err := db.AddException(ctx, &x); err != nil {
						t.Fatal(err)
					}
					if err := db.ApproveException(ctx, org.ID, x.ID, requester.ID, cur); err != nil {
						t.Fatal(err)
					}
					what = "a failing result, excepted until " + x.ExpiresAt.String()
				case 6:
					in := rng.IntN(2) == 0
					if _, err := db.SetScopeFramework(ctx, org.ID, programme.ISO27001, in); err != nil {
						t.Fatal(err)
					}
					what = fmt.Sprintf("ISO 27001 in scope: %v", in)
				case 7:
					// A change to another organization must not matter.
					c := storetest.Control(other, fmt.Sprintf("O-%d", step))
					if err := db.CreateControl(ctx, &c); err != nil {
						t.Fatal(err)
					}
					what = "another organization's control"
				default:
					what = "time" // nothing changes: a third of the steps
				}
				// The clock moves by minutes to weeks, so evidence, exceptions
				// and days cross their boundaries between requests; then by
				// minutes to hours with nothing changed, where only the
				// cache's own reckoning of time stands between a kept
				// assessment and a wrong one.
				spans := []time.Duration{time.Minute, 37 * time.Minute, 5 * time.Hour, 26 * time.Hour, 9 * 24 * time.Hour}
				cur = cur.Add(time.Duration(rng.Int64N(int64(spans[rng.IntN(len(spans))]))))
				compare(step, what)
				for i := range 3 {
					cur = cur.Add(time.Duration(rng.Int64N(int64(6 * time.Hour))))
					if i == 0 && rng.IntN(2) == 0 {
						// Just past the moment the next item goes stale.
						next := cur.Add(24 * time.Hour)
						for _, e := range expiries {
							if e.After(cur) && e.Before(next) {
								next = e
							}
						}
						cur = next.Add(time.Duration(1+rng.IntN(600)) * time.Second)
					}
					if i == 2 && rng.IntN(2) == 0 {
						y, m, d := cur.Date() // just past the next midnight
						cur = time.Date(y, m, d+1, 0, rng.IntN(90), 0, 0, time.UTC)
					}
					compare(step, what+", later")
				}
			}
			// Nothing changes: the cache serves without deriving.
			if _, err := db.SetScopeFramework(ctx, org.ID, programme.ISO27001, true); err != nil {
				t.Fatal(err)
			}
			compare(-1, "ISO 27001 in scope")
			_, before := rc.Stats()
			compare(-2, "nothing")
			hits, after := rc.Stats()
			if after != before || hits == 0 {
				t.Errorf("with nothing changed the cache derived %d more assessments (hits %d)", after-before, hits)
			}
		})
	}
}

// summary is what differs, in brief: the score and each control's state.
func summary(a programme.Assessment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d%% %v", a.Percent, a.States)
	for _, c := range a.Controls {
		fmt.Fprintf(&b, " %s=%s", c.Ref, c.State)
	}
	return b.String()
}
