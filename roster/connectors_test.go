package roster_test

import (
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/connector/google/googletest"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/connector/okta/oktatest"
)

// TestAccountsFromTheShippedConnectors collects the Okta and Google
// Workspace test organizations through the real connectors and reads their
// users as accounts: the fields attest.IdentityTypes names are the fields
// the connectors write.
func TestAccountsFromTheShippedConnectors(t *testing.T) {
	now := time.Now().UTC()
	accounts := func(col attest.Collection) map[string]attest.Account {
		out := map[string]attest.Account{}
		for _, r := range col.Resources {
			if a, ok := attest.AccountOf(r); ok {
				out[a.Login] = a
			}
		}
		return out
	}

	gs := googletest.NewServer(googletest.DefaultScenario(now))
	defer gs.Close()
	col, err := google.New().Collect(t.Context(), attest.CollectRequest{Settings: gs.Settings(), Secret: gs.KeyFile(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	g := accounts(col)
	if a := g["alice@acme.example"]; a.Email != "alice@acme.example" || !a.Admin || !a.Active || a.Name == "" || a.Department != "IT" ||
		len(a.Aliases) != 1 || a.Aliases[0] != "it@acme.example" {
		t.Errorf("google alice = %+v", a)
	}
	if a := g["erin@acme.example"]; a.Active {
		t.Errorf("a suspended Google user is an active account: %+v", a)
	}
	if a := g["frank@acme.example"]; a.Active {
		t.Errorf("an archived Google user is an active account: %+v", a)
	}
	lastLogins := 0
	for _, a := range g {
		if !a.LastLogin.IsZero() {
			lastLogins++
		}
	}
	if len(g) != 8 || lastLogins == 0 || lastLogins == len(g) {
		t.Errorf("google accounts %d, %d with a last sign-in (want some, not all: one never signed in)", len(g), lastLogins)
	}

	osrv := oktatest.NewServer(oktatest.DefaultScenario(now))
	defer osrv.Close()
	col, err = okta.New().Collect(t.Context(), attest.CollectRequest{Settings: map[string]string{"org_url": osrv.URL}, Secret: []byte("okta-test-token"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	o := accounts(col)
	active, inactive, admins := 0, 0, 0
	for _, a := range o {
		if a.Email == "" {
			t.Errorf("okta account without email: %+v", a)
		}
		if a.Active {
			active++
		} else {
			inactive++
		}
		if a.Admin {
			admins++
		}
	}
	if active == 0 || inactive == 0 || admins == 0 {
		t.Errorf("okta accounts: %d active, %d not, %d admins; want some of each (%+v)", active, inactive, admins, o)
	}
	if a := o["dave@acme.example"]; a.Name != "Dave Sales" || a.Department != "Sales" {
		t.Errorf("okta dave = %+v", a)
	}

	// The departments both identity providers report meet the roster's: Dave
	// is in Sales at Okta but in Engineering on the roster; Alice's IT
	// agrees at both.
	var all []attest.Account
	for _, m := range []map[string]attest.Account{g, o} {
		for _, a := range m {
			all = append(all, a)
		}
	}
	people := []attest.Person{
		{ID: 1, Name: "Alice Ng", Email: "alice@acme.example", StartDate: "2020-01-01", Department: "it"},
		{ID: 2, Name: "Dave Sales", Email: "dave@acme.example", StartDate: "2020-01-01", Department: "Engineering"},
	}
	ro := attest.Reconcile(people, all, nil, now.Format(attest.DateLayout), attest.RosterRules{})
	var conflicts []string
	for _, f := range ro.Findings {
		if f.Kind == attest.FindingDeptConflict {
			conflicts = append(conflicts, f.Account.System+":"+f.Account.Login)
		}
	}
	if len(conflicts) != 1 || conflicts[0] != ":dave@acme.example" {
		t.Errorf("department conflicts = %v; want Dave's Okta account only", conflicts)
	}
}
