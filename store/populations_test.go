package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

func mustPopulation(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.PopulationRetrieval {
	t.Helper()
	r := attest.PopulationRetrieval{OrgID: w.org.ID, UID: "pop_" + w.org.Slug, Kind: attest.PopulationLeavers, From: "2026-01-01", To: "2026-03-31",
		Audit: "shared audit", RanAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), Count: 1, Hash: strings.Repeat("a", 64),
		RecordHash: strings.Repeat("b", 64), Tally: attest.PopulationTally{Passed: 1, Mismatches: 2}}
	must(t, db.CreatePopulation(ctx, &r, w.admin.ID))
	return r
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"CreatePopulation", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			pa := mustPopulation(t, ctx, db, a)
			list, err := db.Populations(ctx, b.org.ID, store.PopulationFilter{})
			if err != nil || len(list) != 0 {
				t.Fatalf("b sees a's population %d: %+v, %v", pa.ID, list, err)
			}
		}},
		tenantCase{"Populations", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			pb := mustPopulation(t, ctx, db, b)
			list, err := db.Populations(ctx, a.org.ID, store.PopulationFilter{Audit: "shared audit"})
			presence(t, "Populations", list, err, func(r attest.PopulationRetrieval) bool { return r.OrgID == a.org.ID },
				func(r attest.PopulationRetrieval) bool { return r.ID == pb.ID })
			if len(list) > 0 && (list[0].Tally.Mismatches != 2 || list[0].Kind != attest.PopulationLeavers || !list[0].RanAt.Equal(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))) {
				t.Errorf("a's population as stored: %+v", list[0])
			}
			if list, _ := db.Populations(ctx, a.org.ID, store.PopulationFilter{Kind: attest.PopulationJoiners}); len(list) != 0 {
				t.Errorf("joiners of a: %+v", list)
			}
		}},
		tenantCase{"Population", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			list, _ := db.Populations(ctx, b.org.ID, store.PopulationFilter{})
			if len(list) == 0 {
				t.Fatal("b has no population")
			}
			_, err := db.Population(ctx, a.org.ID, list[0].ID)
			wantNotFound(t, "population", err)
		}},
	)
}
