package programme

import (
	"fmt"
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

// BenchmarkAssessEvidence derives SOC 2 readiness for an organization with
// the control library adopted and a growing number of evidence items, spread
// over two years; the figure to watch is how ns/op grows with items (see
// docs/performance.md). SQLite.
func BenchmarkAssessEvidence(b *testing.B) {
	cat, err := catalog.Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, items := range []int{100, 3000} {
		b.Run(fmt.Sprint(items), func(b *testing.B) {
			db := storetest.Open(b, store.SQLite, time.Now)
			svc := evidencetest.NewService(b, db)
			org := storetest.MustOrg(b, db, "acme")
			var ids []int64
			for i := range 40 {
				c := storetest.MustControl(b, db, org, fmt.Sprintf("C-%d", i), attest.StatusImplemented)
				ids = append(ids, c.ID)
			}
			now := db.Now()
			for i := range items {
				at := now.Add(-time.Duration(i) * 2 * 365 * 24 * time.Hour / time.Duration(items))
				if _, err := svc.Add(b.Context(), evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindAttestation, Title: "item",
					CollectedAt: at, ControlIDs: []int64{ids[i%len(ids)]}}, strings.NewReader("x")); err != nil {
					b.Fatal(err)
				}
			}
			controls, err := db.Controls(b.Context(), org.ID, store.ControlFilter{})
			if err != nil {
				b.Fatal(err)
			}
			// The whole assessment, then its evidence part alone both ways:
			// every item read and judged (as before), and counted in SQL.
			b.Run("assess", func(b *testing.B) {
				for range b.N {
					if _, err := Assess(b.Context(), &db.Queries, cat, org.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The same assessment served by the cache with nothing changed:
			// one revision read per request, whatever the items.
			rc := &Readiness{DB: db, Catalog: cat}
			b.Run("cached", func(b *testing.B) {
				for range b.N {
					if _, err := rc.Assess(b.Context(), org.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("every-item", func(b *testing.B) {
				for range b.N {
					times, err := db.EvidenceTimes(b.Context(), org.ID)
					if err != nil {
						b.Fatal(err)
					}
					Input(cat.SOC2(), nil, controls, times, now)
				}
			})
			b.Run("counted", func(b *testing.B) {
				for range b.N {
					counts, err := db.EvidenceFreshness(b.Context(), org.ID, freshnessWindows(now))
					if err != nil {
						b.Fatal(err)
					}
					countedInput(cat.SOC2(), nil, controls, counts, now)
				}
			})
		})
	}
}
