package attest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func TestAccountOf(t *testing.T) {
	a, ok := attest.AccountOf(attest.Resource{Type: "google.user", Key: "ada@acme.test", Data: map[string]any{
		"email": "Ada@Acme.test", "name": "Ada", "department": " Research ", "aliases": []any{"ada.l@acme.test"}, "active": false, "admin": true, "last_login": "2026-11-30T10:00:00Z",
		"enrolled_2sv": false}})
	if !ok || a.Email != "ada@acme.test" || a.Login != "Ada@Acme.test" || a.Department != "Research" || a.Active || !a.Admin || len(a.Aliases) != 1 || a.MFA == nil || *a.MFA ||
		!a.LastLogin.Equal(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("google user = %+v, %v", a, ok)
	}
	// A GitHub member has no email; its role says admin; its activity is
	// not shown, so it counts as active.
	a, ok = attest.AccountOf(attest.Resource{Type: "github.member", Key: "acme/carol", Data: map[string]any{"login": "carol", "role": "admin"}})
	if !ok || a.Login != "carol" || a.Email != "" || !a.Admin || !a.Active || a.MFA != nil {
		t.Fatalf("github member = %+v", a)
	}
	if _, ok := attest.AccountOf(attest.Resource{Type: "github.repository", Key: "acme/api"}); ok {
		t.Fatal("a repository read as an account")
	}
}

func TestReconcile(t *testing.T) {
	today := "2026-12-04"
	people := []attest.Person{
		{ID: 1, Name: "Ada", Email: "ada@acme.test", StartDate: "2024-01-08", Department: "Engineering"},
		{ID: 2, Name: "Leo Leaver", Email: "leo@acme.test", StartDate: "2023-03-01", EndDate: "2026-11-20"},
		{ID: 3, Name: "Lia Left Yesterday", Email: "lia@acme.test", StartDate: "2023-03-01", EndDate: "2026-12-03"},
		{ID: 4, Name: "Jon Joiner", Email: "jon@acme.test", StartDate: "2026-11-02"},
		{ID: 5, Name: "Nia New", Email: "nia@acme.test", StartDate: "2026-12-01"},
		{ID: 6, Name: "Carol", Email: "carol@acme.test", StartDate: "2022-05-01"}, // no department on the roster
	}
	idp := func(email string, active bool) attest.Account {
		return attest.Account{ConnectionID: 1, System: "okta", Type: "okta.user", Key: email, Login: email, Email: email, Active: active}
	}
	withDept := func(a attest.Account, d string) attest.Account { a.Department = d; return a }
	accounts := []attest.Account{
		withDept(idp("ada@acme.test", true), "engineering "), // the same, in other case and spacing
		idp("leo@acme.test", true),                           // left two weeks ago: a finding
		idp("lia@acme.test", true),                           // left yesterday: within the day allowed
		idp("nia@acme.test", false),                          // a joiner within the week, account not active yet
		idp("admin-shared@acme.test", true),
		idp("old-contractor@acme.test", false), // unlinked but disabled: no finding
		{ConnectionID: 2, System: "google", Type: "google.user", Key: "c.ross@acme.test", Login: "c.ross@acme.test", Email: "c.ross@acme.test",
			Aliases: []string{"carol@acme.test"}, Name: "Carol  Ross", Department: "Support", Active: true},
		{ConnectionID: 2, System: "google", Type: "google.user", Key: "ada@acme.test", Login: "ada@acme.test", Email: "ada@acme.test", Name: "ada",
			Department: "Sales", Active: true},
		{ConnectionID: 3, System: "github", Type: "github.member", Key: "acme/leo-gh", Login: "leo-gh", Active: true},
	}
	links := []attest.AccountLink{{ConnectionID: 3, Key: "acme/leo-gh", PersonID: 2}}
	ro := attest.Reconcile(people, accounts, links, today, attest.RosterRules{})

	kinds := map[string][]string{}
	for _, f := range ro.Findings {
		who := ""
		if f.Person != nil {
			who = f.Person.Email
		}
		if f.Account != nil {
			who += "/" + f.Account.Login
		}
		kinds[f.Kind] = append(kinds[f.Kind], who)
	}
	want := map[string][]string{
		attest.FindingLeaverActive:   {"leo@acme.test/leo@acme.test", "leo@acme.test/leo-gh"},
		attest.FindingJoinerNoAccess: {"jon@acme.test"},
		attest.FindingUnlinked:       {"/admin-shared@acme.test"},
		attest.FindingNameConflict:   {"carol@acme.test/c.ross@acme.test"},
		attest.FindingDeptConflict:   {"ada@acme.test/ada@acme.test"},
	}
	for k, w := range want {
		if len(kinds[k]) != len(w) {
			t.Errorf("%s findings = %v; want %v", k, kinds[k], w)
			continue
		}
		for i := range w {
			if kinds[k][i] != w[i] {
				t.Errorf("%s findings = %v; want %v", k, kinds[k], w)
			}
		}
	}
	if len(ro.Findings) != 6 {
		t.Errorf("findings = %+v", ro.Findings)
	}
	for _, f := range ro.Findings {
		if f.Kind == attest.FindingLeaverActive && f.Due != "2026-11-21" {
			t.Errorf("leaver's deadline = %s; want the day after the last day", f.Due)
		}
		if f.Kind == attest.FindingJoinerNoAccess && f.Due != "2026-11-09" {
			t.Errorf("joiner's deadline = %s; want a week after the first day", f.Due)
		}
	}
	// Carol is linked through the Google alias, Leo's GitHub login by hand.
	for _, r := range ro.People {
		switch r.Person.ID {
		case 6:
			if len(r.Accounts) != 1 || r.Accounts[0].LinkedBy != "email" || r.Accounts[0].PersonID != 6 {
				t.Errorf("Carol's accounts = %+v", r.Accounts)
			}
		case 2:
			if len(r.Accounts) != 2 || r.Accounts[1].LinkedBy != "manual" || r.State != attest.PersonLeft {
				t.Errorf("Leo's accounts = %+v (%s)", r.Accounts, r.State)
			}
		}
	}
	if len(ro.Unlinked) != 2 || !ro.IdentityProviders {
		t.Errorf("unlinked = %+v; identity providers %v", ro.Unlinked, ro.IdentityProviders)
	}

	for _, f := range ro.Findings {
		if f.Kind == attest.FindingDeptConflict && (f.Due != "" || !strings.Contains(f.Message, "department Sales") || !strings.Contains(f.Message, "in Engineering")) {
			t.Errorf("department conflict = %+v", f)
		}
	}
	// Without an identity provider, joiners are not judged.
	ro = attest.Reconcile(people, accounts[8:], links, today, attest.RosterRules{})
	for _, f := range ro.Findings {
		if f.Kind == attest.FindingJoinerNoAccess {
			t.Errorf("a joiner judged without an identity provider: %+v", f)
		}
	}
	// Rules move the deadlines.
	ro = attest.Reconcile(people, accounts, links, today, attest.RosterRules{LeaverDays: 30, JoinerDays: 60})
	for _, f := range ro.Findings {
		if f.Kind != attest.FindingUnlinked && f.Kind != attest.FindingNameConflict && f.Kind != attest.FindingDeptConflict {
			t.Errorf("a finding within longer deadlines: %+v", f)
		}
	}
}
