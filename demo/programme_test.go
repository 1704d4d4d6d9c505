package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The demo programme is made through the programme services: every change has
// its activity entry by the demo, and seeding again changes nothing.
func TestSeedProgrammeThroughServices(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
		opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Now: now}
		if _, err := demo.Seed(ctx, db, opts); err != nil {
			t.Fatal(err)
		}
		org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
		scope, _ := db.Scope(ctx, org.ID)
		controls, _ := db.Controls(ctx, org.ID, store.ControlFilter{})
		tasks, _ := db.Tasks(ctx, org.ID, store.TaskFilter{})
		overdue, _ := db.Tasks(ctx, org.ID, store.TaskFilter{OverdueOn: attest.Today(now())})
		if scope.SystemName != "Northwind Cloud" || len(controls) != len(cat.Controls) || len(tasks) != 6 || len(overdue) != 2 {
			t.Fatalf("demo programme: scope %q, %d controls, %d tasks, %d overdue", scope.SystemName, len(controls), len(tasks), len(overdue))
		}
		owned := 0
		for _, c := range controls {
			if c.OwnerID != 0 {
				owned++
			}
		}
		acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{})
		count := map[string]int{}
		for _, a := range acts {
			if a.ActorLabel != "demo" || a.Via != attest.ViaSystem {
				t.Fatalf("entry not by the demo: %+v", a)
			}
			count[a.Action]++
		}
		if count["scope.updated"] != 1 || count["scope.subservice_added"] != 2 || count["scope.cuec_added"] != 2 ||
			count["controls.adopted"] != 1 || count["task.created"] != 6 || count["control.updated"] < owned || owned == 0 {
			t.Fatalf("demo activity: %v (%d owned controls)", count, owned)
		}
		// ISO 27001 is pursued beside SOC 2, with three justified exclusions.
		if fws, _ := db.ScopeFrameworks(ctx, org.ID); len(fws) != 1 || fws[0] != "iso27001" {
			t.Fatalf("demo frameworks: %v", fws)
		}
		ex, _ := db.Exclusions(ctx, org.ID, "iso27001")
		if len(ex) != 3 || count["scope.framework_added"] != 1 || count["scope.requirement_excluded"] != 3 {
			t.Fatalf("demo exclusions: %+v, activity %v", ex, count)
		}
		for _, e := range ex {
			if e.Justification == "" {
				t.Errorf("%s excluded without a reason", e.Requirement)
			}
		}
		if _, err := demo.Seed(ctx, db, opts); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{}); len(again) != len(acts) {
			t.Fatalf("reseeding added %d entries", len(again)-len(acts))
		}
	})
}
