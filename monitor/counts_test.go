package monitor_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestCountsKept: the result tallies Summaries keeps between requests equal
// the aggregate read afresh, and the times every result gives, after every
// one of a random sequence of changes
// (collections that change verdicts, exceptions approved and revoked) and
// clock moves (exceptions expiring), on both databases.
func TestCountsKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		rng := rand.New(rand.NewPCG(3, 5))
		keys := []string{"acme/a", "acme/b", "acme/c", "acme/d", "acme/e"}
		collect := func() {
			var rs []attest.Resource
			for _, k := range keys {
				if rng.IntN(6) != 0 {
					rs = append(rs, repo(k, rng.IntN(2) == 0, rng.IntN(2)))
				}
			}
			w.conn.set(rs...)
			w.run(t)
		}
		collect()
		type exception struct {
			uid     string
			expires time.Time
		}
		var active []exception
		sawFailing := false
		// jitter gives the clock fractions of a second of every length
		// (none, .5, .123456): SQLite's MIN and MAX of times compare text.
		jitter := func() time.Duration {
			return []time.Duration{0, 500 * time.Millisecond, 120 * time.Millisecond, time.Duration(rng.IntN(1e6)) * time.Microsecond}[rng.IntN(4)]
		}
		check := func(step int, what string) {
			t.Helper()
			sums, err := w.svc.Summaries(ctx, w.auditor)
			if err != nil {
				t.Fatal(err)
			}
			tallies, err := db.TestTallies(ctx, w.org.ID, w.now)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]int{}
			for test, tally := range tallies {
				want[test] = tally.Counts
			}
			got := map[string]map[string]int{}
			for _, s := range sums {
				if len(s.Counts) > 0 {
					got[s.ID] = s.Counts
				}
			}
			if !maps.EqualFunc(got, want, maps.Equal) {
				t.Fatalf("step %d, after a %s: counts %v, the aggregate %v", step, what, fmt.Sprint(got), fmt.Sprint(want))
			}
			// The times equal what every current result says, read one by one.
			all, err := w.svc.Results(ctx, w.auditor, store.ResultFilter{At: w.now})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sums {
				var last, failing time.Time
				for _, r := range all {
					if r.Test != s.ID {
						continue
					}
					if r.CheckedAt.After(last) {
						last = r.CheckedAt
					}
					if r.Status == attest.ResultFail && !r.Excepted() && (failing.IsZero() || r.Since.Before(failing)) {
						failing = r.Since
					}
				}
				if !s.LastRun.Equal(last) || !s.FailingSince.Equal(failing) {
					t.Fatalf("step %d, after a %s: %s last ran %v and fails since %v; its results say %v and %v", step, what, s.ID,
						s.LastRun, s.FailingSince, last, failing)
				}
				if !failing.IsZero() {
					sawFailing = true
				}
			}
			// So is a page of the failing results: kept (no At) and read at
			// the moment (At given).
			for _, f := range []store.ResultFilter{{Status: attest.ResultFail, Unexcepted: true, Limit: 3}, {Limit: 4, Offset: 2}} {
				kept, err := w.svc.Results(ctx, w.auditor, f)
				if err != nil {
					t.Fatal(err)
				}
				f.At = w.now
				fresh, err := w.svc.Results(ctx, w.auditor, f)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(pageOf(kept)) != fmt.Sprint(pageOf(fresh)) {
					t.Fatalf("step %d, after a %s: the kept page %v, read afresh %v", step, what, pageOf(kept), pageOf(fresh))
				}
			}
			// A caller changing what it was given changes nothing kept.
			for _, s := range sums {
				s.Counts["fail"] += 100
			}
		}

		for step := range 80 {
			what := ""
			switch rng.IntN(4) {
			case 0:
				what = "collection"
				collect()
			case 1:
				what = "exception"
				req := monitor.ExceptionRequest{Test: "t.protected", Resource: attest.ResourceRef{Type: "github.repository", Key: keys[rng.IntN(len(keys))]},
					Reason: "A mirror nobody pushes to.", ExpiresAt: w.now.Add(time.Duration(1+rng.IntN(72)) * time.Hour)}
				e, err := w.svc.RequestException(ctx, w.manager, req)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.svc.ApproveException(ctx, w.admin, e.UID); err != nil {
					t.Fatal(err)
				}
				active = append(active, exception{e.UID, req.ExpiresAt})
			case 2:
				what = "revocation"
				active = slices.DeleteFunc(active, func(e exception) bool { return !w.now.Before(e.expires) })
				if len(active) > 0 {
					i := rng.IntN(len(active))
					if err := w.svc.RevokeException(ctx, w.admin, active[i].uid); err != nil {
						t.Fatal(err)
					}
					active = slices.Delete(active, i, i+1)
				}
			default:
				what = "clock"
				w.now = w.now.Add(time.Duration(1+rng.IntN(24))*time.Hour + jitter())
			}
			check(step, what)
			// And again later, with nothing written in between: a kept
			// entry must not outlive an exception that expired meanwhile.
			w.now = w.now.Add(time.Duration(1+rng.IntN(12))*time.Hour + jitter())
			check(step, what+" and a clock move")
		}
		if !sawFailing {
			t.Fatal("no test ever failed without an exception: the times were never checked")
		}
	})
}

// pageOf is what a page of results shows: each result, its verdict and its
// exception.
func pageOf(list []attest.TestResult) []string {
	var out []string
	for _, r := range list {
		ex := ""
		if r.Exception != nil {
			ex = r.Exception.UID
		}
		out = append(out, fmt.Sprintf("%d:%s:%s:%s", r.ID, r.Status, r.Message, ex))
	}
	return out
}
