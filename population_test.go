package attest

import (
	"strings"
	"testing"
)

func TestPopulationsWindow(t *testing.T) {
	people := []Person{
		{ID: 1, Name: "Before", Email: "before@x.test", StartDate: "2025-12-31", EndDate: "2026-02-28"},
		{ID: 2, Name: "First Day", Email: "first@x.test", StartDate: "2026-01-01"},
		{ID: 3, Name: "Last Day", Email: "last@x.test", StartDate: "2026-01-31", EndDate: "2026-01-31"},
		{ID: 4, Name: "After", Email: "after@x.test", StartDate: "2026-02-01"},
		{ID: 5, Name: "Left Early", Email: "early@x.test", StartDate: "2020-01-01", EndDate: "2025-12-31"},
		{ID: 6, Name: "Left In", Email: "leftin@x.test", StartDate: "2020-01-01", EndDate: "2026-01-01"},
		{ID: 7, Name: "Leaves Later", Email: "later@x.test", StartDate: "2020-01-01", EndDate: "2026-02-01"},
	}
	okta := func(email string, active bool) Account {
		return Account{ConnectionID: 9, System: "okta", Type: "okta.user", Key: email, Login: email, Email: email, Active: active}
	}
	accounts := []Account{okta("leftin@x.test", true), okta("first@x.test", true), okta("last@x.test", false)}
	ro := Reconcile(people, accounts, nil, "2026-03-01", RosterRules{})
	pop, err := PopulationsOf(ro, "2026-01-01", "2026-01-31")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []PopulationMember) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Person.Name)
		}
		return strings.Join(out, ",")
	}
	// Both ends of the window count; a day before or after does not.
	if got := names(pop.Joiners); got != "First Day,Last Day" {
		t.Errorf("joiners = %s", got)
	}
	if got := names(pop.Leavers); got != "Left In,Last Day" {
		t.Errorf("leavers = %s", got)
	}
	leftIn := pop.Leavers[0]
	if leftIn.ActiveAccounts != 1 || len(leftIn.Findings) != 1 || leftIn.Findings[0].Kind != FindingLeaverActive ||
		!strings.Contains(leftIn.Reconciliation, "past the deadline") {
		t.Errorf("a leaver with an active account: %+v", leftIn)
	}
	if last := pop.Leavers[1]; last.ActiveAccounts != 0 || len(last.Findings) != 0 || last.Reconciliation != "all accounts disabled" {
		t.Errorf("a leaver whose account is off: %+v", last)
	}
	if first := pop.Joiners[0]; !first.IdentityProvider || len(first.Findings) != 0 {
		t.Errorf("a joiner with an account: %+v", first)
	}
	// Last Day's account is disabled but it is at the identity provider:
	// the joiner was given access.
	if last := pop.Joiners[1]; !last.IdentityProvider {
		t.Errorf("joiner with a disabled account counts as provisioned: %+v", last)
	}
}

func TestPopulationsJoinerWithoutAccount(t *testing.T) {
	people := []Person{{ID: 1, Name: "New", Email: "new@x.test", StartDate: "2026-01-05"},
		{ID: 2, Name: "Old", Email: "old@x.test", StartDate: "2020-01-05"}}
	accounts := []Account{{ConnectionID: 1, System: "okta", Type: "okta.user", Key: "o", Login: "o", Email: "old@x.test", Active: true}}
	pop, err := PopulationsOf(Reconcile(people, accounts, nil, "2026-02-01", RosterRules{}), "2026-01-01", "2026-01-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(pop.Joiners) != 1 || pop.Joiners[0].IdentityProvider || len(pop.Joiners[0].Findings) != 1 ||
		pop.Joiners[0].Findings[0].Kind != FindingJoinerNoAccess {
		t.Fatalf("joiner without an account: %+v", pop.Joiners)
	}
	// Without any identity provider collected, nothing is judged.
	pop, _ = PopulationsOf(Reconcile(people, nil, nil, "2026-02-01", RosterRules{}), "2026-01-01", "2026-01-31")
	if len(pop.Joiners[0].Findings) != 0 || !strings.Contains(pop.Joiners[0].Reconciliation, "cannot be checked") {
		t.Errorf("no identity provider: %+v", pop.Joiners[0])
	}
}

func TestPopulationsRejectsBadWindow(t *testing.T) {
	for _, c := range []struct{ from, to, field string }{
		{"", "2026-01-01", "from"}, {"2026-01-01", "31/01/2026", "to"}, {"2026-02-01", "2026-01-31", "to"},
	} {
		_, err := PopulationsOf(Roster{}, c.from, c.to)
		if ErrorField(err) != c.field {
			t.Errorf("%q..%q: %v, want invalid %s", c.from, c.to, err, c.field)
		}
	}
}

func TestWithMovers(t *testing.T) {
	people := []Person{{ID: 1, Name: "Ada", Email: "ada@x.test", StartDate: "2024-01-01"}, {ID: 2, Name: "Bob", Email: "bob@x.test", StartDate: "2024-01-01"},
		{ID: 3, Name: "Cy", Email: "cy@x.test", StartDate: "2024-01-01"}}
	accounts := []Account{{System: "okta", Type: "okta.user", Key: "a", Login: "ada@x.test", Email: "ada@x.test", Active: true},
		{System: "github", Type: "github.member", Key: "c", Login: "cy-gh", Email: "cy@x.test", Active: false}}
	ro := Reconcile(people, accounts, nil, "2026-05-01", RosterRules{})
	pop, err := PopulationsOf(ro, "2026-04-01", "2026-04-30")
	if err != nil {
		t.Fatal(err)
	}
	WithMovers(&pop, ro, []RoleChange{
		{PersonID: 3, Field: "title", From: "Engineer", To: "Lead", On: "2026-04-20"},
		{PersonID: 1, Field: "department", From: "Sales", To: "Engineering", On: "2026-04-02"},
		{PersonID: 1, Field: "manager", From: "", To: "Bo", On: "2026-04-01"},
		{PersonID: 2, Field: "title", From: "A", To: "B", On: "2026-03-31"}, // before the window
	})
	if len(pop.Movers) != 2 || pop.Movers[0].Person.Name != "Ada" || pop.Movers[1].Person.Name != "Cy" {
		t.Fatalf("movers = %+v; want Ada then Cy, not Bob", pop.Movers)
	}
	ada := pop.Movers[0]
	if len(ada.Changes) != 2 || ada.Changes[0].Field != "manager" || !ada.IdentityProvider || ada.ActiveAccounts != 1 ||
		ada.Reconciliation != "review access for the new role: okta ada@x.test" {
		t.Errorf("Ada = %+v", ada)
	}
	if cy := pop.Movers[1]; cy.ActiveAccounts != 0 || cy.Reconciliation != "no active account found" || len(cy.Accounts) != 1 {
		t.Errorf("Cy = %+v", cy)
	}
}

func TestRoleChanges(t *testing.T) {
	names := map[int64]string{7: "Bo", 8: "Di"}
	before := Person{ID: 1, Title: "Engineer", Department: "Eng", ManagerID: 7, EmploymentType: "employee", Name: "Ada"}
	after := before
	after.Name = "Ada L."
	if got := RoleChanges(before, after, "2026-04-01", func(id int64) string { return names[id] }); len(got) != 0 {
		t.Errorf("a renamed person changed roles: %+v", got)
	}
	first := Person{ID: 1, EmploymentType: "employee"}
	if got := RoleChanges(first, before, "2026-04-01", func(id int64) string { return names[id] }); len(got) != 0 {
		t.Errorf("fields set for the first time: %+v", got)
	}
	after.ManagerID, after.Title = 8, "Lead"
	got := RoleChanges(before, after, "2026-04-01", func(id int64) string { return names[id] })
	if len(got) != 2 || got[0] != (RoleChange{PersonID: 1, Field: "title", From: "Engineer", To: "Lead", On: "2026-04-01"}) ||
		got[1] != (RoleChange{PersonID: 1, Field: "manager", From: "Bo", To: "Di", On: "2026-04-01"}) {
		t.Errorf("changes = %+v", got)
	}
}
