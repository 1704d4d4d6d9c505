package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestEvidencePagesWalkEveryItemOnce walks the evidence list by cursor and by
// offset, in pages of several sizes, over items that share collection times
// (so the order's tie-break by ID matters), and checks that every item of the
// organization is seen exactly once and none of the other organization's is.
func TestEvidencePagesWalkEveryItemOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		svc := evidencetest.NewService(t, db)
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		ca := storetest.MustControl(t, db, a, "AC-1", attest.StatusImplemented)
		cb := storetest.MustControl(t, db, b, "AC-1", attest.StatusImplemented)
		base := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		want := map[int64]bool{}
		for i := range 23 {
			// Three items per instant; b's items interleave in time.
			at := base.Add(-time.Duration(i/3) * time.Hour)
			for _, o := range []struct {
				org attest.Organization
				ctl int64
			}{{a, ca.ID}, {b, cb.ID}} {
				ev, err := svc.Add(ctx, evidence.New{Org: o.org, Actor: evidencetest.Actor, Kind: attest.KindAttestation,
					Title: fmt.Sprintf("item %d of %s", i, o.org.Slug), CollectedAt: at, ControlIDs: []int64{o.ctl}}, strings.NewReader("x"))
				if err != nil {
					t.Fatal(err)
				}
				if o.org.ID == a.ID {
					want[ev.ID] = true
				}
			}
		}
		if n, err := db.EvidenceCount(ctx, a.ID, store.EvidenceFilter{}); err != nil || n != len(want) {
			t.Fatalf("EvidenceCount = %d, %v; want %d", n, err, len(want))
		}
		for _, size := range []int{1, 4, 7, 23, 50} {
			for _, by := range []string{"cursor", "offset"} {
				seen := map[int64]int{}
				var last attest.Evidence
				f := store.EvidenceFilter{Limit: size}
				for pages := 0; ; pages++ {
					if pages > len(want)+1 {
						t.Fatalf("%s pages of %d never end", by, size)
					}
					page, err := db.EvidenceList(ctx, a.ID, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) > size {
						t.Fatalf("%s page of %d holds %d items", by, size, len(page))
					}
					for _, e := range page {
						if e.OrgID != a.ID || len(e.Controls) != 1 || e.Controls[0].ID != ca.ID {
							t.Fatalf("%s page lists %+v, not a's item with its control", by, e)
						}
						if last.ID != 0 && (e.CollectedAt.After(last.CollectedAt) || e.CollectedAt.Equal(last.CollectedAt) && e.ID > last.ID) {
							t.Fatalf("%s pages out of order: %d after %d", by, e.ID, last.ID)
						}
						seen[e.ID]++
						last = e
					}
					if len(page) < size {
						break
					}
					if by == "cursor" {
						// Through its string form, as the API hands it out.
						c, err := store.ParseEvidenceCursor(store.CursorAfter(page[len(page)-1]).String())
						if err != nil {
							t.Fatal(err)
						}
						f.After = c
					} else {
						f.Offset += size
					}
				}
				for id := range want {
					if seen[id] != 1 {
						t.Errorf("%s pages of %d show item %d %d times", by, size, id, seen[id])
					}
				}
				if len(seen) != len(want) {
					t.Errorf("%s pages of %d show %d items, want %d", by, size, len(seen), len(want))
				}
			}
		}
	})
}

func TestEvidenceCursorRefusesGarbage(t *testing.T) {
	for _, s := range []string{"x", "12", "12.", ".3", "12.0", "12.-4", "a.b", "1.2.3"} {
		if _, err := store.ParseEvidenceCursor(s); attest.ErrorField(err) != "cursor" {
			t.Errorf("cursor %q: %v, want an error on cursor", s, err)
		}
	}
}
