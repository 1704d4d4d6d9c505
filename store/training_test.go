package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

func trainingFixture(t *testing.T, ctx context.Context, db *store.DB, x tenant) attest.TrainingCompletion {
	t.Helper()
	c := attest.TrainingCompletion{OrgID: x.org.ID, PersonID: x.person.ID, Kind: attest.TrainingExternal, Course: "Course of " + x.org.Slug,
		CompletedOn: "2026-01-10", Link: "https://learn.example.com/1", RecordUID: attest.NewUID("tr_")}
	must(t, db.CreateTrainingCompletion(ctx, &c))
	return c
}

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"TrainingCompletions", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ca, cb := trainingFixture(t, ctx, db, a), trainingFixture(t, ctx, db, b)
			for _, person := range []int64{0, a.person.ID} {
				list, err := db.TrainingCompletions(ctx, a.org.ID, person)
				presence(t, "TrainingCompletions", list, err, func(c attest.TrainingCompletion) bool { return c.ID == ca.ID },
					func(c attest.TrainingCompletion) bool { return c.ID == cb.ID })
			}
			if list, err := db.TrainingCompletions(ctx, a.org.ID, b.person.ID); err != nil || len(list) != 0 {
				t.Errorf("a's completions of b's person: %+v, %v", list, err)
			}
		}},
		tenantCase{"CreateTrainingCompletion", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			c := attest.TrainingCompletion{OrgID: a.org.ID, PersonID: b.person.ID, Kind: attest.TrainingExternal, Course: "x",
				CompletedOn: "2026-01-10", RecordUID: attest.NewUID("tr_")}
			wantNotFound(t, "training completion of b's person", db.CreateTrainingCompletion(ctx, &c))
		}},
		tenantCase{"BackgroundChecks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for _, x := range []tenant{a, b} {
				c := attest.BackgroundCheck{OrgID: x.org.ID, PersonID: x.person.ID, Provider: "Checkr " + x.org.Slug, Status: attest.CheckPending}
				must(t, db.SaveBackgroundCheck(ctx, &c, 0))
			}
			list, err := db.BackgroundChecks(ctx, a.org.ID)
			presence(t, "BackgroundChecks", list, err, func(c attest.BackgroundCheck) bool { return c.PersonID == a.person.ID },
				func(c attest.BackgroundCheck) bool {
					return c.PersonID == b.person.ID || c.Provider == "Checkr "+b.org.Slug
				})
		}},
		tenantCase{"SaveBackgroundCheck", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			c := attest.BackgroundCheck{OrgID: a.org.ID, PersonID: b.person.ID, Provider: "by a", Status: attest.CheckClear, CheckedOn: "2026-01-01"}
			wantNotFound(t, "background check of b's person", db.SaveBackgroundCheck(ctx, &c, 0))
			list, err := db.BackgroundChecks(ctx, b.org.ID)
			if err != nil || len(list) != 1 || list[0].Provider == "by a" {
				t.Errorf("b's checks after a tried to save one: %+v, %v", list, err)
			}
		}},
		tenantCase{"PeopleSettings", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SavePeopleSettings(ctx, b.org.ID, store.PeopleSettings{TrainingDays: 7, BackgroundDays: 3}))
			if got, err := db.PeopleSettings(ctx, a.org.ID); err != nil || got.TrainingDays != attest.DefaultTrainingDays ||
				got.BackgroundDays != attest.DefaultBackgroundDays {
				t.Errorf("a's settings after b saved its own: %+v, %v", got, err)
			}
		}},
		tenantCase{"SavePeopleSettings", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.SavePeopleSettings(ctx, a.org.ID, store.PeopleSettings{TrainingDays: 14, BackgroundDays: 0}))
			if got, err := db.PeopleSettings(ctx, b.org.ID); err != nil || got.TrainingDays != 7 {
				t.Errorf("b's settings after a saved its own: %+v, %v", got, err)
			}
			if err := db.SavePeopleSettings(ctx, a.org.ID, store.PeopleSettings{TrainingDays: 0}); attest.ErrorField(err) != "training_days" {
				t.Errorf("zero days: %v", err)
			}
		}},
		tenantCase{"PersonOfUser", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			// a's admin is a person of b only: not of a.
			p := attest.Person{OrgID: b.org.ID, Name: "a's admin at b", Email: a.admin.Email, StartDate: "2025-01-01"}
			must(t, db.CreatePerson(ctx, &p))
			wantNotFound(t, "person of a's admin", func() error { _, err := db.PersonOfUser(ctx, a.org.ID, a.admin.ID); return err }())
			if got, err := db.PersonOfUser(ctx, b.org.ID, a.admin.ID); err != nil || got.ID != p.ID {
				t.Errorf("b's person of the same user: %+v, %v", got, err)
			}
		}},
	)
}
