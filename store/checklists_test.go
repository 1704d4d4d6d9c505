package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func checklistFixture(t *testing.T, ctx context.Context, db *store.DB, x tenant) attest.ChecklistTemplate {
	t.Helper()
	tpl := attest.ChecklistTemplate{OrgID: x.org.ID, Kind: attest.ChecklistOnboarding, EmploymentType: attest.EmploymentEmployee,
		Name: "Onboarding of " + x.org.Slug, Since: "2026-01-01",
		Steps: []attest.ChecklistStep{{Title: "Laptop for " + x.org.Slug, Owner: attest.OwnerManager, DueDays: 0}}}
	must(t, db.CreateChecklistTemplate(ctx, &tpl))
	return tpl
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"ChecklistTemplates", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ta, tb := checklistFixture(t, ctx, db, a), checklistFixture(t, ctx, db, b)
			list, err := db.ChecklistTemplates(ctx, a.org.ID)
			presence(t, "ChecklistTemplates", list, err, func(x attest.ChecklistTemplate) bool { return x.ID == ta.ID },
				func(x attest.ChecklistTemplate) bool { return x.ID == tb.ID })
			if len(list) == 1 && (len(list[0].Steps) != 1 || list[0].Steps[0].Title != "Laptop for "+a.org.Slug) {
				t.Errorf("a's template has steps %+v", list[0].Steps)
			}
		}},
		tenantCase{"ChecklistTemplate", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			if _, err := db.ChecklistTemplate(ctx, a.org.ID, tb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("a reading b's template: %v", err)
			}
		}},
		tenantCase{"ChecklistStepTemplate", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			if _, _, err := db.ChecklistStepTemplate(ctx, a.org.ID, tb.Steps[0].ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("a reading b's step: %v", err)
			}
		}},
		tenantCase{"CreateChecklistTemplate", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			// b's template of the same kind and type does not stop a's.
			tb := bTemplate(t, ctx, db, b)
			ta := attest.ChecklistTemplate{OrgID: a.org.ID, Kind: tb.Kind, EmploymentType: tb.EmploymentType, Name: "a's", Since: "2026-01-01"}
			must(t, db.CreateChecklistTemplate(ctx, &ta))
		}},
		tenantCase{"AddChecklistStep", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			s := attest.ChecklistStep{Title: "by a", Owner: attest.OwnerTeam}
			wantNotFound(t, "a adding a step to b's template", db.AddChecklistStep(ctx, a.org.ID, tb.ID, &s))
			unchanged(t, ctx, db, b, tb)
		}},
		tenantCase{"DeleteChecklistStep", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			wantNotFound(t, "a deleting b's step", db.DeleteChecklistStep(ctx, a.org.ID, tb.Steps[0].ID))
			unchanged(t, ctx, db, b, tb)
		}},
		tenantCase{"UpdateChecklistTemplate", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			renamed := tb
			renamed.OrgID, renamed.Name = a.org.ID, "renamed by a"
			wantNotFound(t, "a renaming b's template", db.UpdateChecklistTemplate(ctx, &renamed))
			unchanged(t, ctx, db, b, tb)
		}},
		tenantCase{"DeleteChecklistTemplate", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			tb := bTemplate(t, ctx, db, b)
			wantNotFound(t, "a deleting b's template", db.DeleteChecklistTemplate(ctx, a.org.ID, tb.ID))
			unchanged(t, ctx, db, b, tb)
		}},
		tenantCase{"ChecklistCompletions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for _, x := range []tenant{a, b} {
				c := attest.StepCompletion{OrgID: x.org.ID, PersonID: x.person.ID, StepID: 7, How: attest.CompletedByHand, Note: "done in " + x.org.Slug, ByLabel: "x"}
				must(t, db.AddChecklistCompletion(ctx, &c))
			}
			for _, person := range []int64{0, a.person.ID} {
				list, err := db.ChecklistCompletions(ctx, a.org.ID, person)
				presence(t, "ChecklistCompletions", list, err, func(c attest.StepCompletion) bool { return c.PersonID == a.person.ID },
					func(c attest.StepCompletion) bool {
						return c.PersonID == b.person.ID || c.Note == "done in "+b.org.Slug
					})
			}
		}},
		tenantCase{"HasIdentityCollection", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			// Only b has an okta collection.
			c := attest.CollectionRun{OrgID: b.org.ID, UID: "col_okta_" + b.org.Slug, ConnectionID: b.conn.ID, ConnectionName: b.conn.Name,
				Connector: "okta", SnapshotSHA256: "abc"}
			must(t, db.AddCollection(ctx, &c))
			if ok, err := db.HasIdentityCollection(ctx, a.org.ID, []string{"okta"}); err != nil || ok {
				t.Errorf("a has an identity collection: %v, %v", ok, err)
			}
			if ok, err := db.HasIdentityCollection(ctx, b.org.ID, []string{"okta"}); err != nil || !ok {
				t.Errorf("b's okta collection not seen: %v, %v", ok, err)
			}
		}},
		tenantCase{"AddChecklistCompletion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			c := attest.StepCompletion{OrgID: a.org.ID, PersonID: b.person.ID, StepID: 8, How: attest.CompletedByHand, Note: "x", ByLabel: "x"}
			wantNotFound(t, "a completing a step of b's person", db.AddChecklistCompletion(ctx, &c))
			list, err := db.ChecklistCompletions(ctx, b.org.ID, b.person.ID)
			if err != nil || slices.ContainsFunc(list, func(c attest.StepCompletion) bool { return c.StepID == 8 }) {
				t.Errorf("b's completions after a's attempt: %+v, %v", list, err)
			}
		}},
	)
}

// bTemplate is b's offboarding template for contractors: each case makes
// its own, so cases do not depend on one another.
func bTemplate(t *testing.T, ctx context.Context, db *store.DB, b tenant) attest.ChecklistTemplate {
	t.Helper()
	ts, err := db.ChecklistTemplates(ctx, b.org.ID)
	must(t, err)
	for _, x := range ts {
		if x.Kind == attest.ChecklistOffboarding {
			return x
		}
	}
	tpl := attest.ChecklistTemplate{OrgID: b.org.ID, Kind: attest.ChecklistOffboarding, EmploymentType: attest.EmploymentContractor,
		Name: "b's offboarding", Since: "2026-01-01", Steps: []attest.ChecklistStep{{Title: "Collect badge", Owner: attest.OwnerManager}}}
	must(t, db.CreateChecklistTemplate(ctx, &tpl))
	return tpl
}

func unchanged(t *testing.T, ctx context.Context, db *store.DB, b tenant, want attest.ChecklistTemplate) {
	t.Helper()
	got, err := db.ChecklistTemplate(ctx, b.org.ID, want.ID)
	if err != nil || got.Name != want.Name || len(got.Steps) != len(want.Steps) {
		t.Errorf("b's template changed: %+v, %v", got, err)
	}
}

func TestChecklistTemplateStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var x tenant
		x.org = storetest.MustOrg(t, db, "solo")
		x.person = storetest.MustPerson(t, db, x.org, "Solo Person", "solo@people.test")
		tpl := checklistFixture(t, ctx, db, x)
		again := attest.ChecklistTemplate{OrgID: x.org.ID, Kind: attest.ChecklistOnboarding, EmploymentType: attest.EmploymentEmployee, Name: "again", Since: "2026-01-01"}
		if err := db.CreateChecklistTemplate(ctx, &again); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("second onboarding template for employees: %v", err)
		}
		s := attest.ChecklistStep{Title: "Accounts", Owner: attest.OwnerTeam, DueDays: -2, Check: attest.CheckIdPAccount}
		must(t, db.AddChecklistStep(ctx, x.org.ID, tpl.ID, &s))
		if s.Position != 2 {
			t.Errorf("second step's position = %d", s.Position)
		}
		got, err := db.ChecklistTemplate(ctx, x.org.ID, tpl.ID)
		if err != nil || len(got.Steps) != 2 || got.Steps[1] != s {
			t.Fatalf("template = %+v, %v; want second step %+v", got, err, s)
		}
		c := attest.StepCompletion{OrgID: x.org.ID, PersonID: x.person.ID, StepID: s.ID, How: attest.CompletedVerified, Note: "seen", ByLabel: "system"}
		must(t, db.AddChecklistCompletion(ctx, &c))
		if err := db.AddChecklistCompletion(ctx, &c); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Errorf("completing a step twice: %v", err)
		}
		must(t, db.DeleteChecklistTemplate(ctx, x.org.ID, tpl.ID))
		if cs, err := db.ChecklistCompletions(ctx, x.org.ID, 0); err != nil || len(cs) != 1 {
			t.Errorf("completions after the template went: %+v, %v (they are kept)", cs, err)
		}
	})
}
