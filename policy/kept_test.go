package policy_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/store"
)

// TestStatusKept: with statuses kept between requests, every person's
// standing and each employee's own list equal a service deriving them every
// time, after every one of a random sequence of changes (policies published
// and revised, acceptances, joiners) and clock moves (acceptances falling
// overdue), on both databases.
func TestStatusKept(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		kept := *w.svc
		kept.KeptStatus = &store.Kept[string, policy.Status]{}
		rng := rand.New(rand.NewPCG(7, 9))
		check := func(step int, what string) {
			t.Helper()
			want := must(w.svc.Acknowledgements(ctx, w.admin, 0))
			got := must(kept.Acknowledgements(ctx, w.admin, 0))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d, after %s: kept acknowledgements\n%+v\nderived\n%+v", step, what, got, want)
			}
			counts := must(kept.AckCounts(ctx, w.admin))
			wantCounts := map[int64]policy.AckCount{}
			for _, r := range want {
				c := wantCounts[r.PolicyID]
				c.Total++
				switch r.State {
				case attest.AckAccepted:
					c.Accepted++
				case attest.AckPending:
					c.Pending++
				case attest.AckOverdue:
					c.Overdue++
				}
				wantCounts[r.PolicyID] = c
			}
			for id, c := range counts {
				if c != wantCounts[id] {
					t.Fatalf("step %d, after %s: policy %d counts %+v, the rows say %+v", step, what, id, c, wantCounts[id])
				}
			}
			for id, c := range wantCounts {
				if counts[id] != c {
					t.Fatalf("step %d, after %s: policy %d counts %+v, the rows say %+v", step, what, id, counts[id], c)
				}
			}
			wantMine := must(w.svc.MyPolicies(ctx, w.employee))
			gotMine := must(kept.MyPolicies(ctx, w.employee))
			if !reflect.DeepEqual(gotMine, wantMine) {
				t.Fatalf("step %d, after %s: the employee's kept policies differ from the derived ones", step, what)
			}
		}
		templates := []string{"access-control", "acceptable-use", "incident-response"}
		var published []int64
		people := 0
		for step := range 40 {
			what := ""
			switch n := rng.IntN(5); {
			case n == 0 && len(templates) > 0:
				what = "a new policy published"
				pol := must(w.svc.Adopt(ctx, w.admin, templates[0], ""))
				templates = templates[1:]
				w.approve(t, *pol.Latest)
				published = append(published, pol.ID)
			case n == 1 && len(published) > 0:
				what = "a material revision"
				id := published[rng.IntN(len(published))]
				v := must(w.svc.SaveDraft(ctx, w.admin, id, policy.Draft{Body: fmt.Sprintf("# Revised %d\n\nNew rules.", step), Material: true}))
				w.approve(t, v)
			case n == 2 && len(published) > 0:
				what = "an acceptance"
				pol, _ := must2(w.svc.Get(ctx, w.admin, published[rng.IntN(len(published))]))
				if _, err := w.svc.Accept(ctx, w.employee, pol.Published.ID, "127.0.0.1", "test"); err != nil && attest.ErrorCode(err) != attest.ECONFLICT {
					t.Fatal(err)
				}
			case n == 3:
				what = "a joiner"
				people++
				p := attest.Person{OrgID: w.org.ID, Name: fmt.Sprintf("Joiner %d", people), Email: fmt.Sprintf("joiner%d@acme.test", people),
					StartDate: attest.Today(w.clock.now())}
				if err := w.db.CreatePerson(ctx, &p); err != nil {
					t.Fatal(err)
				}
			default:
				what = "a clock move"
				w.clock.add(time.Duration(1+rng.IntN(5*24)) * time.Hour)
			}
			check(step, what)
			w.clock.add(time.Duration(rng.IntN(48)) * time.Hour)
			check(step, what+" and a clock move")
		}
		if hits, misses := kept.KeptStatus.Stats(); hits == 0 || misses == 0 {
			t.Errorf("kept %d times and derived %d: the sequence does not exercise both", hits, misses)
		}
	})
}
