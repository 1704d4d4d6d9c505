package attest

import (
	"cmp"
	"slices"
	"strings"
)

// Populations are the joiners, leavers and movers of a window of days: the
// populations an auditor samples to test that access was given on joining,
// removed on leaving and adjusted on changing roles (CC6.2, CC6.3). Each
// member carries what the roster's reconciliation with the identity
// providers says of them, so a sample comes with its evidence.

// RoleChange is one change of a person's title, department, manager or
// employment type, on the day it was recorded.
type RoleChange struct {
	PersonID int64  `json:"person_id"`
	Field    string `json:"field"` // title, department, manager, employment_type
	From     string `json:"from"`
	To       string `json:"to"`
	On       string `json:"on"` // YYYY-MM-DD
}

// RoleFields are the fields whose changes are role changes.
var RoleFields = []string{"title", "department", "manager", "employment_type"}

// PopulationMember is one joiner, leaver or mover with their reconciliation.
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
	// Changes are a mover's role changes in the window, oldest first.
	Changes []RoleChange `json:"changes,omitempty"`
}

// Populations of one window.
type Populations struct {
	From    string             `json:"from"`
	To      string             `json:"to"`
	Today   string             `json:"today"`
	Joiners []PopulationMember `json:"joiners"`
	Leavers []PopulationMember `json:"leavers"`
	// Movers are the people whose role changed in the window (title,
	// department, manager or employment type), each with their accounts
	// today: access to review for the new role.
	Movers []PopulationMember `json:"movers"`
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
	pop := Populations{From: from, To: to, Today: ro.Today, Joiners: []PopulationMember{}, Leavers: []PopulationMember{}, Movers: []PopulationMember{},
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

// withAccounts makes a member of a roster row with its accounts counted,
// and the active ones named.
func withAccounts(row RosterRow) (PopulationMember, []string) {
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
	return m, active
}

func member(ro Roster, row RosterRow, joiner bool) PopulationMember {
	m, active := withAccounts(row)
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

// WithMovers adds to pop the people whose role changed in its window, from
// changes (any window; those outside it are ignored), each with their
// accounts as the roster sees them today, in order of their first change
// then name. Pure.
func WithMovers(pop *Populations, ro Roster, changes []RoleChange) {
	byPerson := map[int64][]RoleChange{}
	for _, c := range changes {
		if pop.From <= c.On && c.On <= pop.To {
			byPerson[c.PersonID] = append(byPerson[c.PersonID], c)
		}
	}
	pop.Movers = []PopulationMember{}
	for _, row := range ro.People {
		cs := byPerson[row.Person.ID]
		if len(cs) == 0 {
			continue
		}
		slices.SortStableFunc(cs, func(a, b RoleChange) int { return cmp.Compare(a.On, b.On) })
		m, active := withAccounts(row)
		m.Changes = cs
		m.Reconciliation = "no active account found"
		if len(active) > 0 {
			m.Reconciliation = "review access for the new role: " + strings.Join(active, ", ")
		}
		pop.Movers = append(pop.Movers, m)
	}
	slices.SortStableFunc(pop.Movers, func(a, b PopulationMember) int {
		return cmp.Or(cmp.Compare(a.Changes[0].On, b.Changes[0].On), cmp.Compare(a.Person.Name, b.Person.Name))
	})
}

// RoleChanges lists the role fields that differ between two versions of a
// person, on day; managerName names a manager by ID. A field set for the
// first time (from empty) completes the record rather than changing a role:
// an import names managers in a second pass, for example.
func RoleChanges(before, after Person, day string, managerName func(int64) string) []RoleChange {
	var out []RoleChange
	add := func(field, from, to string) {
		if from != "" && from != to {
			out = append(out, RoleChange{PersonID: after.ID, Field: field, From: from, To: to, On: day})
		}
	}
	add("title", before.Title, after.Title)
	add("department", before.Department, after.Department)
	if before.ManagerID != 0 && before.ManagerID != after.ManagerID {
		add("manager", managerName(before.ManagerID), managerName(after.ManagerID))
	}
	add("employment_type", before.EmploymentType, after.EmploymentType)
	return out
}
