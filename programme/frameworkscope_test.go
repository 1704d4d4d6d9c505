package programme_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func requirementResult(a programme.Assessment, id string) (readiness.RequirementResult, bool) {
	for _, r := range a.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return readiness.RequirementResult{}, false
}

func TestISO27001ScopeExclusionsAndReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.controls.Adopt(ctx, f.mgr); err != nil {
			t.Fatal(err)
		}
		if _, err := programme.AssessFramework(ctx, &db.Queries, f.cat, f.a.ID, "iso27001"); attest.ErrorField(err) != "framework" {
			t.Fatalf("ISO readiness before it is in scope: %v; want refused on framework", err)
		}
		for _, bad := range []string{"soc2", "nist"} {
			if err := f.scope.SetFramework(ctx, f.mgr, bad, true); attest.ErrorField(err) != "framework" {
				t.Errorf("SetFramework(%s): %v", bad, err)
			}
		}
		if err := f.scope.SetFramework(ctx, f.aud, "iso27001", true); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("auditor: %v", err)
		}
		if err := f.scope.SetFramework(ctx, f.mgr, "iso27001", true); err != nil {
			t.Fatal(err)
		}
		if a := f.last(f.a.ID); a.Action != "scope.framework_added" || a.RecordID != "iso27001" {
			t.Errorf("activity = %+v", a)
		}
		fws, err := programme.Pursued(ctx, &db.Queries, f.cat, f.a.ID)
		if err != nil || len(fws) != 2 || fws[0].ID != "soc2" || fws[1].ID != "iso27001" {
			t.Fatalf("pursued = %v, %v", fws, err)
		}
		// Exclusions: Annex A only, with a justification.
		if _, err := f.scope.Exclude(ctx, f.mgr, "iso27001", "6.1.2", "not for us"); attest.ErrorField(err) != "requirement" {
			t.Errorf("excluding a clause: %v", err)
		}
		if _, err := f.scope.Exclude(ctx, f.mgr, "iso27001", "A.7.1", "  "); attest.ErrorField(err) != "justification" {
			t.Errorf("excluding without a justification: %v", err)
		}
		if _, err := f.scope.Exclude(ctx, f.mgr, "iso27001", "A.7.1", "We run no offices or data centres of our own; the cloud provider's perimeter is covered by its certification."); err != nil {
			t.Fatal(err)
		}
		if a := f.last(f.a.ID); a.Action != "scope.requirement_excluded" || a.RecordID != "iso27001:A.7.1" {
			t.Errorf("activity = %+v", a)
		}
		a, err := programme.AssessFramework(ctx, &db.Queries, f.cat, f.a.ID, "iso27001")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := requirementResult(a, "A.7.1"); ok {
			t.Error("excluded A.7.1 is still assessed")
		}
		if len(a.Excluded) != 1 || a.Excluded[0].Requirement != "A.7.1" {
			t.Errorf("excluded = %+v", a.Excluded)
		}
		if _, ok := requirementResult(a, "6.1"); ok {
			t.Error("the heading 6.1 is assessed")
		}
		if len(a.Categories) != 5 {
			t.Errorf("categories = %d; want ISO's five themes", len(a.Categories))
		}
		// GOV-1 meets 5.2 (equivalent); a related mapping leaves its
		// requirement without the control (the crosswalk names a pair once).
		r52, _ := requirementResult(a, "5.2")
		if !hasControl(r52, "GOV-1") {
			t.Errorf("5.2 controls = %+v; want GOV-1 (equivalent)", r52.Controls)
		}
		for _, cw := range f.cat.CrosswalkTo("iso27001") {
			if cw.Type != "related" {
				continue
			}
			if rr, ok := requirementResult(a, cw.Requirement); ok && hasControl(rr, cw.Control) {
				t.Errorf("%s counts toward %s through a related mapping", cw.Control, cw.Requirement)
			}
		}
		// Applicable again.
		if err := f.scope.Include(ctx, f.mgr, "iso27001", "A.7.1"); err != nil {
			t.Fatal(err)
		}
		n := len(mustActivity(t, db, f.a.ID))
		if err := f.scope.Include(ctx, f.mgr, "iso27001", "A.7.1"); err != nil || len(mustActivity(t, db, f.a.ID)) != n {
			t.Errorf("including twice: %v; want nothing done or recorded", err)
		}
		if a, _ = programme.AssessFramework(ctx, &db.Queries, f.cat, f.a.ID, "iso27001"); !has(a, "A.7.1") {
			t.Error("A.7.1 not assessed after including it")
		}
		// Organization B sees none of it.
		if fws, _ := programme.Pursued(ctx, &db.Queries, f.cat, f.b.ID); len(fws) != 1 {
			t.Errorf("org B pursues %d frameworks", len(fws))
		}
		if _, err := f.scope.Exclude(ctx, f.mgr, "iso27001", "A.7.2", "No offices."); err != nil {
			t.Fatal(err)
		}
		if ex, err := db.Exclusions(ctx, f.b.ID, "iso27001"); err != nil || len(ex) != 0 {
			t.Errorf("org B exclusions = %v, %v", ex, err)
		}
		if err := f.scope.Include(ctx, f.bMgr, "iso27001", "A.7.2"); err != nil {
			t.Fatal(err)
		}
		if ex, _ := db.Exclusions(ctx, f.a.ID, "iso27001"); len(ex) != 1 {
			t.Errorf("org B's include removed org A's exclusion: %v", ex)
		}
		// Out of scope again: no ISO readiness; SOC 2 is untouched.
		if err := f.scope.SetFramework(ctx, f.mgr, "iso27001", false); err != nil {
			t.Fatal(err)
		}
		if a := f.last(f.a.ID); a.Action != "scope.framework_removed" {
			t.Errorf("activity = %+v", a)
		}
		if _, err := programme.AssessFramework(ctx, &db.Queries, f.cat, f.a.ID, "iso27001"); attest.ErrorField(err) != "framework" {
			t.Errorf("ISO readiness after it left scope: %v", err)
		}
		if soc, err := programme.Assess(ctx, &db.Queries, f.cat, f.a.ID); err != nil || soc.Framework.ID != "soc2" {
			t.Errorf("SOC 2 readiness: %v", err)
		}
	})
}

func has(a programme.Assessment, id string) bool { _, ok := requirementResult(a, id); return ok }

func hasControl(r readiness.RequirementResult, ref string) bool {
	for _, c := range r.Controls {
		if c.Ref == ref {
			return true
		}
	}
	return false
}

func mustActivity(t *testing.T, db *store.DB, orgID int64) []attest.Activity {
	t.Helper()
	acts, err := db.Activity(context.Background(), orgID, attest.ActivityFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return acts
}
