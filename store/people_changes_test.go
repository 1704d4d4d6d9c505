package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func init() {
	tenantCases = append(tenantCases,
		tenantCase{"RoleChanges", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			for _, x := range []tenant{a, b} {
				p, err := db.Person(ctx, x.org.ID, x.person.ID)
				must(t, err)
				for _, title := range []string{"First title", "Title in " + x.org.Slug} {
					p.Title = title
					must(t, db.UpdatePerson(ctx, &p))
				}
			}
			list, err := db.RoleChanges(ctx, a.org.ID, "2000-01-01", "2999-12-31")
			presence(t, "RoleChanges", list, err, func(c attest.RoleChange) bool { return c.PersonID == a.person.ID },
				func(c attest.RoleChange) bool { return c.PersonID == b.person.ID || c.To == "Title in "+b.org.Slug })
		}},
	)
}

// An update records each role field it changes, as of the store's day,
// with the manager by name; other edits record nothing.
func TestRoleChangesRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		boss := storetest.MustPerson(t, db, org, "Bo Boss", "bo@acme.test")
		ada := storetest.MustPerson(t, db, org, "Ada", "ada@acme.test")
		other := storetest.MustPerson(t, db, org, "Di Other", "di@acme.test")
		// Completing the record (a first title, department, manager) is no
		// role change.
		ada.Name, ada.StartDate, ada.Title, ada.Department, ada.ManagerID = "Ada Lovelace", "2025-01-07", "Engineer", "Eng", other.ID
		must(t, db.UpdatePerson(ctx, &ada))
		ada.Title, ada.Department, ada.ManagerID, ada.EmploymentType = "Staff Engineer", "Platform", boss.ID, attest.EmploymentContractor
		must(t, db.UpdatePerson(ctx, &ada))
		today := attest.Today(db.Now())
		got, err := db.RoleChanges(ctx, org.ID, today, today)
		if err != nil {
			t.Fatal(err)
		}
		want := []attest.RoleChange{{PersonID: ada.ID, Field: "title", From: "Engineer", To: "Staff Engineer", On: today},
			{PersonID: ada.ID, Field: "department", From: "Eng", To: "Platform", On: today},
			{PersonID: ada.ID, Field: "manager", From: "Di Other", To: "Bo Boss", On: today},
			{PersonID: ada.ID, Field: "employment_type", From: "employee", To: "contractor", On: today}}
		if len(got) != len(want) {
			t.Fatalf("changes = %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		if old, err := db.RoleChanges(ctx, org.ID, "2000-01-01", "2001-01-01"); err != nil || len(old) != 0 {
			t.Errorf("changes of another window: %+v, %v", old, err)
		}
	})
}
