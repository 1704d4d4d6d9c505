package programme

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestCountedInputEqualsInput checks that readiness input built from the
// database's counts (store.EvidenceFreshness, which judges only the items
// near each boundary) equals the input built by judging every item, for
// controls of every frequency, evidence with and without periods, a corrected
// item and a retired control, at moments every few days over two years, so
// that items cross their boundaries on month ends and leap days.
func TestCountedInputEqualsInput(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		svc := evidencetest.NewService(t, db)
		org := storetest.MustOrg(t, db, "acme")
		var controls []attest.Control
		for _, f := range attest.ControlFrequencies() {
			c := storetest.Control(org, "F-"+f)
			c.Status, c.Frequency = attest.StatusImplemented, f
			if err := db.CreateControl(ctx, &c); err != nil {
				t.Fatal(err)
			}
			controls = append(controls, c)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		now := db.Now()
		var last attest.Evidence
		for i := range 80 {
			at := now.Add(-time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
			n := evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindAttestation, Title: "item", CollectedAt: at,
				ControlIDs: []int64{controls[rng.IntN(len(controls))].ID, controls[rng.IntN(len(controls))].ID}}
			if i%3 == 0 {
				n.PeriodEnd = at.AddDate(0, 0, -rng.IntN(40))
				n.PeriodStart = n.PeriodEnd.AddDate(0, -1, 0)
			}
			if i == 79 {
				n.Supersedes = last.ID
			}
			ev, err := svc.Add(ctx, n, strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			last = ev
		}
		retired := controls[3]
		if err := db.SetControlRetired(ctx, org.ID, retired.ID, true); err != nil {
			t.Fatal(err)
		}
		controls, err = db.Controls(ctx, org.ID, store.ControlFilter{IncludeRetired: true})
		if err != nil {
			t.Fatal(err)
		}
		times, err := db.EvidenceTimes(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for at := now.AddDate(-1, 0, 0); at.Before(now.AddDate(1, 0, 0)); at = at.AddDate(0, 0, 3) {
			counts, err := db.EvidenceFreshness(ctx, org.ID, freshnessWindows(at))
			if err != nil {
				t.Fatal(err)
			}
			want := Input(cat.SOC2(), nil, controls, times, at)
			if got := countedInput(cat.SOC2(), nil, controls, counts, at); !reflect.DeepEqual(got, want) {
				t.Fatalf("at %s the counted input differs:\n got %+v\nwant %+v", at, got.Controls, want.Controls)
			}
		}
	})
}
