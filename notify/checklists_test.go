package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A joiner's step owned by their manager reaches the manager once it is
// overdue, in one digest, once; a step owned by another member does not.
func TestChecklistStepsAreAnnounced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := t.Context()
		w.svc.Checklists = func(ctx context.Context, orgID int64, today string) ([]attest.Checklist, error) {
			in, err := programme.ChecklistInput(ctx, &db.Queries, orgID, today)
			return attest.Checklists(in), err
		}
		boss := attest.Person{OrgID: w.org.ID, Name: "Lead", Email: "lead@acme.test", StartDate: "2020-01-06"}
		if err := db.CreatePerson(ctx, &boss); err != nil {
			t.Fatal(err)
		}
		jo := attest.Person{OrgID: w.org.ID, Name: "Jo Joiner", Email: "jo@acme.test", StartDate: "2024-03-04", ManagerID: boss.ID}
		if err := db.CreatePerson(ctx, &jo); err != nil {
			t.Fatal(err)
		}
		other := storetest.MustMember(t, db, w.org, attest.RoleEmployee, "other@acme.test")
		tpl := attest.ChecklistTemplate{OrgID: w.org.ID, Kind: attest.ChecklistOnboarding, EmploymentType: attest.EmploymentEmployee, Name: "On", Since: "2024-01-01",
			Steps: []attest.ChecklistStep{{Title: "Hand over the laptop", Owner: attest.OwnerManager, DueDays: 0},
				{Title: "Order a badge", Owner: attest.OwnerMember, OwnerUserID: other.ID, DueDays: 0}}}
		if err := db.CreateChecklistTemplate(ctx, &tpl); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		w.round(t, now)
		msgs := w.mail.WaitFor(t, 2, 10*time.Second)
		var lead string
		for _, m := range msgs {
			text := w.mail.Message(t, m.ID).Text
			if strings.Contains(text, "Order a badge") == strings.Contains(text, "Hand over the laptop") {
				t.Errorf("a digest mixes owners' steps or has neither:\n%s", text)
			}
			if strings.Contains(text, "Hand over the laptop") {
				lead = text
			}
		}
		if !strings.Contains(lead, "Jo Joiner's onboarding step “Hand over the laptop” was due 2024-03-04") {
			t.Errorf("the manager's digest:\n%s", lead)
		}
		w.mail.Clear(t)
		if ids := w.round(t, now.Add(24*time.Hour)); len(ids) != 0 {
			t.Fatalf("the same overdue step was announced again: %v", ids)
		}
	})
}
