package attest

import (
	"cmp"
	"slices"
	"strings"
)

// Populations are the joiners and leavers of a window of days: the
// populations an auditor samples to test that access was given on joining
// and removed on leaving (CC6.2, CC6.3). Each member carries what the
// roster's reconciliation with the identity providers says of them, so a
// sample comes with its evidence. Role changes (title, department, manager)
// are not part of them: a person's record keeps its current values only, and
// its edits are in the activity log in words, not as a history by date.

// PopulationMember is one joiner or leaver with their reconciliation.
type PopulationMember struct {
	Person Person `json:"person"`
	// Accounts are the accounts the roster linked to them.
	Accounts []Account `json:"accounts"`
	// IdentityProvider is whether one of them is at an identity provider.
	IdentityProvider bool `json:"identity_provider"`
	// ActiveAccounts counts those still active (for a leaver, access not
	// yet removed).
	ActiveAccounts int `json:"active_accounts"`
	// Findings are the roster's findings about them (a leaver's account
	// still active after the deadline, a joiner without an account).
	Findings []RosterFinding `json:"findings"`
	// Reconciliation says in words what the accounts show.
	Reconciliation string `json:"reconciliation"`
}

// Populations of one window.
type Populations struct {
	From    string             `json:"from"`
	To      string             `json:"to"`
	Today   string             `json:"today"`
	Joiners []PopulationMember `json:"joiners"`
	Leavers []PopulationMember `json:"leavers"`
	// IdentityProviders is whether any identity provider was collected:
	// without one, whether joiners were given access cannot be told.
	IdentityProviders bool `json:"identity_providers"`
}

// ValidateWindow checks a window of days, both ends YYYY-MM-DD and
// included, naming the field at fault.
func ValidateWindow(from, to string) error {
	if !validDate(from) {
		return Invalid("from", "want a date YYYY-MM-DD, got %q", from)
	}
	if !validDate(to) {
		return Invalid("to", "want a date YYYY-MM-DD, got %q", to)
	}
	if to < from {
		return Invalid("to", "%s is before from (%s)", to, from)
	}
	return nil
}

// PopulationsOf selects from a reconciled roster the people who started
// (joiners) or whose last working day was (leavers) in [from, to], both ends
// included, each in order of that date then name. Pure: ro comes from
// Reconcile, which it does not repeat.
func PopulationsOf(ro Roster, from, to string) (Populations, error) {
	pop := Populations{From: from, To: to, Today: ro.Today, Joiners: []PopulationMember{}, Leavers: []PopulationMember{},
		IdentityProviders: ro.IdentityProviders}
	if err := ValidateWindow(from, to); err != nil {
		return pop, err
	}
	in := func(day string) bool { return day != "" && from <= day && day <= to }
	for _, row := range ro.People {
		p := row.Person
		if in(p.StartDate) {
			pop.Joiners = append(pop.Joiners, member(ro, row, true))
		}
		if in(p.EndDate) {
			pop.Leavers = append(pop.Leavers, member(ro, row, false))
		}
	}
	order := func(date func(Person) string) func(a, b PopulationMember) int {
		return func(a, b PopulationMember) int {
			return cmp.Or(cmp.Compare(date(a.Person), date(b.Person)), cmp.Compare(a.Person.Name, b.Person.Name))
		}
	}
	slices.SortStableFunc(pop.Joiners, order(func(p Person) string { return p.StartDate }))
	slices.SortStableFunc(pop.Leavers, order(func(p Person) string { return p.EndDate }))
	return pop, nil
}

func member(ro Roster, row RosterRow, joiner bool) PopulationMember {
	m := PopulationMember{Person: row.Person, Accounts: slices.Clone(row.Accounts), Findings: []RosterFinding{}}
	if m.Accounts == nil {
		m.Accounts = []Account{}
	}
	var active []string
	for _, a := range row.Accounts {
		if IdentityTypes[a.Type].IdentityProvider {
			m.IdentityProvider = true
		}
		if a.Active {
			m.ActiveAccounts++
			active = append(active, a.System+" "+a.Login)
		}
	}
	kind := FindingLeaverActive
	if joiner {
		kind = FindingJoinerNoAccess
	}
	for _, f := range ro.Findings {
		if f.Kind == kind && f.Person != nil && f.Person.ID == row.Person.ID {
			m.Findings = append(m.Findings, f)
		}
	}
	switch {
	case joiner && m.IdentityProvider:
		m.Reconciliation = "has an identity provider account"
	case joiner && !ro.IdentityProviders:
		m.Reconciliation = "no identity provider collected: access cannot be checked"
	case joiner && len(m.Findings) > 0:
		m.Reconciliation = "no identity provider account, past the deadline"
	case joiner:
		m.Reconciliation = "no identity provider account yet"
	case row.State != PersonLeft:
		m.Reconciliation = "has not left yet"
	case len(m.Findings) > 0:
		m.Reconciliation = "still active, past the deadline: " + strings.Join(active, ", ")
	case len(active) > 0:
		m.Reconciliation = "still active, within the deadline: " + strings.Join(active, ", ")
	case len(row.Accounts) > 0:
		m.Reconciliation = "all accounts disabled"
	default:
		m.Reconciliation = "no account found"
	}
	return m
}
