package people_test

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestChangeKeepsWhatItDoesNotName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		boss := storetest.MustPerson(t, db, w.org, "Grace Hopper", "grace@acme.test")
		ada, err := w.svc.Add(ctx, w.admin, attest.Person{Name: "Ada", Email: "ada@acme.test", StartDate: "2025-01-06", Title: "Engineer",
			Department: "Engineering", ManagerID: boss.ID})
		if err != nil {
			t.Fatal(err)
		}
		end, title := "2026-11-30", ""
		got, err := w.svc.Change(ctx, w.admin, ada.ID, people.Change{EndDate: &end, Title: &title})
		if err != nil || got.EndDate != end || got.Title != "" || got.Department != "Engineering" || got.ManagerID != boss.ID || got.Name != "Ada" {
			t.Fatalf("change: %+v, %v", got, err)
		}
		none := int64(0)
		if got, err = w.svc.Change(ctx, w.admin, ada.ID, people.Change{ManagerID: &none}); err != nil || got.ManagerID != 0 || got.EndDate != end {
			t.Fatalf("clear the manager: %+v, %v", got, err)
		}
		acts, _ := db.Activity(ctx, w.org.ID, attest.ActivityFilter{})
		before := len(acts)
		if _, err := w.svc.Change(ctx, w.admin, ada.ID, people.Change{}); err != nil {
			t.Fatal(err)
		}
		if acts, _ = db.Activity(ctx, w.org.ID, attest.ActivityFilter{}); len(acts) != before {
			t.Errorf("an empty change was logged: %+v", acts[0])
		}

		bad := "volunteer"
		if _, err := w.svc.Change(ctx, w.admin, ada.ID, people.Change{EmploymentType: &bad}); attest.ErrorField(err) != "employment_type" {
			t.Errorf("a bad employment type: %v", err)
		}
		if _, err := w.svc.Change(ctx, w.auditor, ada.ID, people.Change{Title: &bad}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an auditor changes a person: %v", err)
		}
		stranger := storetest.MustPerson(t, db, w.other, "Other", "o@other.test")
		if _, err := w.svc.Change(ctx, w.admin, stranger.ID, people.Change{Title: &bad}); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("another organization's person: %v", err)
		}

		if id, err := w.svc.ManagerByEmail(ctx, w.auditor, " GRACE@acme.test "); err != nil || id != boss.ID {
			t.Errorf("manager by email: %d, %v", id, err)
		}
		if id, err := w.svc.ManagerByEmail(ctx, w.admin, ""); err != nil || id != 0 {
			t.Errorf("no manager: %d, %v", id, err)
		}
		for _, email := range []string{"nobody@acme.test", "o@other.test"} {
			if _, err := w.svc.ManagerByEmail(ctx, w.admin, email); attest.ErrorField(err) != "manager" {
				t.Errorf("manager %s: %v", email, err)
			}
		}
	})
}
