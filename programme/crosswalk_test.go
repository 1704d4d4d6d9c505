package programme_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// mapping returns control ref's mapping to framework requirement.
func mapping(t *testing.T, db *store.DB, orgID int64, ref, framework, requirement string) (attest.Mapping, bool) {
	t.Helper()
	cs, err := db.Controls(context.Background(), orgID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Ref != ref {
			continue
		}
		for _, m := range c.Mappings {
			if m.Framework == framework && m.Requirement == requirement {
				return m, true
			}
		}
	}
	return attest.Mapping{}, false
}

func controlByRef(t *testing.T, db *store.DB, orgID int64, ref string) attest.Control {
	t.Helper()
	cs, err := db.Controls(context.Background(), orgID, store.ControlFilter{IncludeRetired: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Ref == ref {
			return c
		}
	}
	t.Fatalf("no control %s", ref)
	return attest.Control{}
}

func TestAdoptionBringsTypedCrosswalkMappings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.controls.Adopt(ctx, f.mgr); err != nil {
			t.Fatal(err)
		}
		for _, cw := range f.cat.CrosswalkOf("GOV-1") {
			m, ok := mapping(t, db, f.a.ID, "GOV-1", cw.Framework, cw.Requirement)
			if !ok || m.Type != cw.Type || m.Rationale != cw.Rationale || m.Source != attest.SourceLibrary {
				t.Errorf("GOV-1 → %s %s = %+v (found %v); want the crosswalk's %s with its rationale", cw.Framework, cw.Requirement, m, ok, cw.Type)
			}
		}
		if m, _ := mapping(t, db, f.a.ID, "GOV-1", "soc2", "CC1.1"); m.Type != attest.MappingEquivalent {
			t.Errorf("SOC 2 library mapping type = %q; want equivalent", m.Type)
		}
		// Organization B adopted nothing and got nothing.
		if cs, _ := db.Controls(ctx, f.b.ID, store.ControlFilter{}); len(cs) != 0 {
			t.Errorf("org B has %d controls", len(cs))
		}
	})
}

func TestSyncCrosswalkAddsRefreshesAndRespectsTheOrganization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// Adopted before the crosswalk existed: SOC 2 mappings only.
		old := *f.cat
		old.Crosswalk = nil
		if _, err := (programme.Controls{DB: db, Catalog: &old}).Adopt(ctx, f.mgr); err != nil {
			t.Fatal(err)
		}
		if _, ok := mapping(t, db, f.a.ID, "GOV-1", "iso27001", "5.2"); ok {
			t.Fatal("GOV-1 maps to ISO 5.2 before the sync")
		}
		sync := func(cat *catalog.Catalog) programme.Synced {
			t.Helper()
			var s programme.Synced
			err := db.Update(ctx, func(tx *store.Queries) error {
				var err error
				s, err = programme.SyncCrosswalk(ctx, tx, cat, f.a.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if s := sync(f.cat); s.Added != len(f.cat.Crosswalk) || s.Updated != 0 {
			t.Fatalf("first sync = %+v; want %d added", s, len(f.cat.Crosswalk))
		}
		if s := sync(f.cat); s != (programme.Synced{}) {
			t.Fatalf("second sync = %+v; want nothing", s)
		}
		gov1 := controlByRef(t, db, f.a.ID, "GOV-1")
		// Removed library mapping: the sync leaves it removed; mapping it
		// again by hand makes it the organization's.
		if _, err := f.controls.Unmap(ctx, f.mgr, gov1.ID, "iso27001", "5.2"); err != nil {
			t.Fatal(err)
		}
		if s := sync(f.cat); s.Added != 0 {
			t.Fatalf("sync after removal = %+v; want nothing added back", s)
		}
		if _, ok := mapping(t, db, f.a.ID, "GOV-1", "iso27001", "5.2"); ok {
			t.Fatal("removed mapping came back")
		}
		// Overridden type: the organization's word; the library no longer
		// updates it, while other library mappings follow the library.
		if _, err := f.controls.Retype(ctx, f.mgr, gov1.ID, "iso27001", "4.3", attest.MappingRelated); err != nil {
			t.Fatal(err)
		}
		if a := f.last(f.a.ID); a.Action != "control.mapping_retyped" {
			t.Errorf("activity = %s", a.Action)
		}
		newer := *f.cat
		newer.Crosswalk = nil
		for _, m := range f.cat.Crosswalk {
			m.Rationale += " Revised."
			newer.Crosswalk = append(newer.Crosswalk, m)
		}
		s := sync(&newer)
		if want := len(f.cat.Crosswalk) - 2; s.Updated != want || s.Added != 0 {
			t.Fatalf("sync of a revised crosswalk = %+v; want %d updated (all but the removed and the retyped)", s, want)
		}
		if m, _ := mapping(t, db, f.a.ID, "GOV-1", "iso27001", "4.3"); m.Type != attest.MappingRelated || m.Source != attest.SourceOrganization {
			t.Errorf("retyped mapping = %+v; want related, the organization's", m)
		}
		if _, err := f.controls.Map(ctx, f.mgr, gov1.ID, "iso27001", "5.2", attest.MappingSubset); err != nil {
			t.Fatal(err)
		}
		if m, _ := mapping(t, db, f.a.ID, "GOV-1", "iso27001", "5.2"); m.Type != attest.MappingSubset || m.Source != attest.SourceOrganization {
			t.Errorf("mapped by hand = %+v", m)
		}
		removed, err := db.MappingRemovals(ctx, f.a.ID)
		if err != nil || len(removed) != 0 {
			t.Errorf("removals after mapping again = %v, %v; want none", removed, err)
		}
		// Bad types are refused, naming the field.
		if _, err := f.controls.Retype(ctx, f.mgr, gov1.ID, "iso27001", "4.3", "partial"); attest.ErrorField(err) != "type" {
			t.Errorf("bad type: %v", err)
		}
		if _, err := f.controls.Map(ctx, f.mgr, gov1.ID, "iso27001", "5.3", "strong"); attest.ErrorField(err) != "type" {
			t.Errorf("bad type on map: %v", err)
		}
		if _, err := f.controls.Retype(ctx, f.aud, gov1.ID, "iso27001", "4.3", attest.MappingSubset); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("auditor retyping: %v", err)
		}
	})
}

func TestMappingRemovalsStayInTheirOrganization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, p := range []attest.Principal{f.mgr, f.bMgr} {
			if _, err := f.controls.Adopt(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		bGov := controlByRef(t, db, f.b.ID, "GOV-1")
		if _, err := f.controls.Unmap(ctx, f.bMgr, bGov.ID, "iso27001", "5.2"); err != nil {
			t.Fatal(err)
		}
		if r, err := db.MappingRemovals(ctx, f.a.ID); err != nil || len(r) != 0 {
			t.Fatalf("org A sees removals %v, %v", r, err)
		}
		if r, _ := db.MappingRemovals(ctx, f.b.ID); len(r) != 1 {
			t.Fatalf("org B removals = %v", r)
		}
		// Org A's manager cannot retype org B's control.
		if _, err := f.controls.Retype(ctx, f.mgr, bGov.ID, "iso27001", "4.3", attest.MappingSubset); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("retype across organizations: %v", err)
		}
	})
}

func TestRelatedMappingsDoNotCount(t *testing.T) {
	fw := &catalog.Framework{ID: "x", Name: "X", Categories: []catalog.Category{{ID: "c", Required: true}},
		Series:       []catalog.Series{{ID: "S", Category: "c"}},
		Requirements: []catalog.Requirement{{ID: "R1", Series: "S", Category: "c", Title: "One", Assessable: true}, {ID: "R2", Series: "S", Category: "c", Title: "Two", Assessable: true}}}
	controls := []attest.Control{{ID: 1, Ref: "C-1", Status: attest.StatusImplemented, Mappings: []attest.Mapping{
		{Framework: "x", Requirement: "R1", Type: attest.MappingSubset}, {Framework: "x", Requirement: "R2", Type: attest.MappingRelated}}}}
	in := programme.Input(fw, nil, controls, nil, time.Now())
	if got := in.Controls[0].Requirements; len(got) != 1 || got[0] != "R1" {
		t.Fatalf("requirements counted = %v; want [R1] (related never counts)", got)
	}
}

// The start-up sync reaches every organization, as the system, and records
// only a sync that changed something.
func TestSyncAllCrosswalksAtStartUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		old := *f.cat
		old.Crosswalk = nil
		for _, p := range []attest.Principal{f.mgr, f.bMgr} {
			if _, err := (programme.Controls{DB: db, Catalog: &old}).Adopt(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := programme.SyncAllCrosswalks(ctx, db, f.cat); err != nil {
			t.Fatal(err)
		}
		for _, org := range []attest.Organization{f.a, f.b} {
			if _, ok := mapping(t, db, org.ID, "GOV-1", "iso27001", "5.2"); !ok {
				t.Errorf("%s: GOV-1 lacks its crosswalk mapping after the start-up sync", org.Slug)
			}
			if a := f.last(org.ID); a.Action != "controls.crosswalk_synced" || a.ActorLabel != "system" || a.Via != attest.ViaSystem {
				t.Errorf("%s: last activity %+v", org.Slug, a)
			}
		}
		n := len(mustActivity(t, db, f.a.ID))
		if err := programme.SyncAllCrosswalks(ctx, db, f.cat); err != nil {
			t.Fatal(err)
		}
		if len(mustActivity(t, db, f.a.ID)) != n {
			t.Error("a second start-up sync recorded activity")
		}
	})
}
