package programme_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestInputKeepsScopeAndDropsRetired(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	fw := cat.SOC2()
	controls := []attest.Control{
		{ID: 1, Ref: "A-1", Status: attest.StatusImplemented, Mappings: []attest.Mapping{
			{Framework: "soc2", Requirement: "CC6.1"}, {Framework: "soc2", Requirement: "A1.2"}, {Framework: "iso", Requirement: "CC6.2"}}},
		{ID: 2, Ref: "A-2", Status: attest.StatusImplemented, RetiredAt: time.Now(), Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1"}}},
	}
	in := programme.Input(fw, nil, controls, nil, time.Now())
	if len(in.Requirements) != 33 || len(in.Categories) != 1 || len(in.Controls) != 1 {
		t.Fatalf("security-only input: %d requirements, %d categories, %d controls", len(in.Requirements), len(in.Categories), len(in.Controls))
	}
	if got := in.Controls[0].Requirements; len(got) != 1 || got[0] != "CC6.1" {
		t.Fatalf("mappings in scope: %v (availability is out of scope; another framework's mapping does not count)", got)
	}
	in = programme.Input(fw, []string{"availability"}, controls, nil, time.Now())
	if got := in.Controls[0].Requirements; len(got) != 2 || len(in.Requirements) != 36 {
		t.Fatalf("with availability: %v, %d requirements", got, len(in.Requirements))
	}
}

func TestAdoptAndAssess(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org := storetest.MustOrg(t, db, "acme")
		before, err := programme.Assess(ctx, &db.Queries, cat, org.ID)
		if err != nil || before.Percent != 0 || len(before.Requirements) != 33 {
			t.Fatalf("empty programme: %d%% over %d, %v", before.Percent, len(before.Requirements), err)
		}
		for _, r := range before.Requirements {
			if !r.AtRisk || r.Gaps[0].Code != readiness.GapNoControl {
				t.Fatalf("%s without controls: %+v", r.ID, r)
			}
		}
		var added []attest.Control
		if err := db.Update(ctx, func(tx *store.Queries) error {
			added, err = programme.Adopt(ctx, tx, cat, org.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(added) != len(cat.Controls) {
			t.Fatalf("adopted %d of %d", len(added), len(cat.Controls))
		}
		again, err := programme.Adopt(ctx, &db.Queries, cat, org.ID)
		if err != nil || len(again) != 0 {
			t.Fatalf("second adoption added %d: %v", len(again), err)
		}
		stored, _ := db.Controls(ctx, org.ID, store.ControlFilter{})
		lc := cat.Controls[0]
		if stored[0].LibraryID == "" || len(stored) != len(cat.Controls) {
			t.Fatalf("stored controls: %d", len(stored))
		}
		for _, c := range stored {
			// Its SOC 2 criteria and its crosswalk mappings.
			if want := len(lc.Criteria) + len(cat.CrosswalkOf(lc.ID)); c.Ref == lc.ID && len(c.Mappings) != want {
				t.Fatalf("%s mappings: %v, want %v and the crosswalk's %d", c.Ref, c.Mappings, lc.Criteria, want-len(lc.Criteria))
			}
		}
		// Every control implemented without evidence is half-way, for every criterion.
		for i := range stored {
			stored[i].Status = attest.StatusImplemented
			if err := db.UpdateControl(ctx, &stored[i]); err != nil {
				t.Fatal(err)
			}
		}
		after, _ := programme.Assess(ctx, &db.Queries, cat, org.ID)
		if after.Percent != 50 || after.States[readiness.StateImplementedNoEvidence] != len(stored) {
			t.Fatalf("all implemented without evidence: %d%% %v", after.Percent, after.States)
		}
	})
}

func TestInputJudgesEvidenceFreshnessPerFrequency(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	controls := []attest.Control{
		{ID: 1, Ref: "Q-1", Status: attest.StatusImplemented, Frequency: "quarterly", Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1"}}},
		{ID: 2, Ref: "M-1", Status: attest.StatusImplemented, Frequency: "monthly", Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1"}}},
	}
	two := []store.EvidenceTime{{CollectedAt: now.AddDate(0, -2, 0)}}
	in := programme.Input(cat.SOC2(), nil, controls, map[int64][]store.EvidenceTime{1: two, 2: two}, now)
	// Two-month-old evidence is current for a quarterly control and stale for a monthly one.
	if q, m := in.Controls[0], in.Controls[1]; q.FreshEvidence != 1 || q.StaleEvidence != 0 || m.FreshEvidence != 0 || m.StaleEvidence != 1 {
		t.Fatalf("quarterly %+v, monthly %+v", q, m)
	}
}
