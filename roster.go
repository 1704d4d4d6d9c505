package attest

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The people roster sets the workforce records beside the accounts people
// hold in the systems Attest collects (identity providers, GitHub): who has
// an account where, which accounts belong to nobody on the roster, and the
// findings an auditor tests access removal by (CC6.2, CC6.3): leavers whose
// accounts are still active, joiners with no account yet.

// Account is an account in an outside system, as the latest collection of
// its connection saw it.
type Account struct {
	ConnectionID int64     `json:"connection_id"`
	Connection   string    `json:"connection"` // the connection's name
	System       string    `json:"system"`     // the connector type: okta, google, github
	Type         string    `json:"type"`       // the resource type
	Key          string    `json:"key"`        // the resource key
	Login        string    `json:"login"`
	Email        string    `json:"email,omitempty"`
	Aliases      []string  `json:"aliases,omitempty"` // other addresses of the account
	Name         string    `json:"name,omitempty"`
	Department   string    `json:"department,omitempty"`
	Active       bool      `json:"active"`
	Admin        bool      `json:"admin"`
	LastLogin    time.Time `json:"last_login,omitzero"`
	// MFA is whether the account has a second factor; nil when the system
	// does not say.
	MFA *bool `json:"mfa,omitempty"`
	// PersonID is the person the account is linked to, and LinkedBy how:
	// "email" (the account's email or an alias is the person's work email)
	// or "manual" (someone linked them).
	PersonID int64  `json:"person_id,omitempty"`
	LinkedBy string `json:"linked_by,omitempty"`
}

// AccountFields names the fields of one identity resource type that an
// account is read from; "" for a field the type does not have.
type AccountFields struct {
	Login, Email, Aliases, Name, Department, Active, Admin, LastLogin, MFA string
	// IdentityProvider: the system is where people sign in, so a person
	// without an account there has not been given access yet.
	IdentityProvider bool
}

// IdentityTypes are the resource types that are people's accounts, with
// their fields (see each connector's document in docs/connectors). A new
// connector whose resources are accounts adds its type here.
var IdentityTypes = map[string]AccountFields{
	"okta.user":     {Login: "login", Email: "email", Name: "name", Department: "department", Active: "active", Admin: "is_admin", LastLogin: "last_login", MFA: "mfa_enrolled", IdentityProvider: true},
	"google.user":   {Login: "email", Email: "email", Aliases: "aliases", Name: "name", Department: "department", Active: "active", Admin: "admin", LastLogin: "last_login", MFA: "enrolled_2sv", IdentityProvider: true},
	"github.member": {Login: "login", Admin: "role", MFA: "two_factor_enabled"},
}

// AccountOf reads an account from a resource of an identity type; ok is
// false for any other resource. A field the connector could not see is
// left empty (an account whose activity is unknown counts as active: access
// not shown to be removed has not been removed).
func AccountOf(r Resource) (a Account, ok bool) {
	f, ok := IdentityTypes[r.Type]
	if !ok {
		return a, false
	}
	str := func(name string) string {
		if name == "" {
			return ""
		}
		s, _ := r.Data[name].(string)
		return s
	}
	a = Account{Type: r.Type, Key: r.Key, Login: str(f.Login), Email: NormalizeEmail(str(f.Email)), Name: str(f.Name),
		Department: strings.TrimSpace(str(f.Department)), Active: true}
	if a.Login == "" {
		a.Login = r.Key
	}
	if f.Aliases != "" {
		// []string as a connector writes it, []any once read back from a
		// snapshot.
		switch list := r.Data[f.Aliases].(type) {
		case []string:
			for _, v := range list {
				a.Aliases = append(a.Aliases, NormalizeEmail(v))
			}
		case []any:
			for _, v := range list {
				if s, ok := v.(string); ok {
					a.Aliases = append(a.Aliases, NormalizeEmail(s))
				}
			}
		}
	}
	if f.Active != "" {
		if v, ok := r.Data[f.Active].(bool); ok {
			a.Active = v
		}
	}
	switch v := r.Data[f.Admin].(type) {
	case bool:
		a.Admin = v
	case string:
		a.Admin = v == "admin" // GitHub's role
	}
	if v, ok := r.Data[f.MFA].(bool); ok && f.MFA != "" {
		a.MFA = &v
	}
	if t, err := time.Parse(time.RFC3339, str(f.LastLogin)); err == nil {
		a.LastLogin = t.UTC()
	}
	return a, true
}

// AccountLink is a manual link of an account to a person, for an account
// whose email is not the person's work email (a GitHub login, a personal
// address).
type AccountLink struct {
	ConnectionID int64  `json:"connection_id"`
	Key          string `json:"key"`
	PersonID     int64  `json:"person_id"`
}

// RosterRules are an organization's deadlines.
type RosterRules struct {
	// LeaverDays is how many days after their last working day a leaver's
	// accounts must be disabled (default 1: by the end of the next day).
	LeaverDays int `json:"leaver_days"`
	// JoinerDays is how many days after their first day a joiner should
	// have an account at the identity provider (default 7).
	JoinerDays int `json:"joiner_days"`
}

// Default roster rules.
const (
	DefaultLeaverDays = 1
	DefaultJoinerDays = 7
)

func (r RosterRules) withDefaults() RosterRules {
	if r.LeaverDays <= 0 {
		r.LeaverDays = DefaultLeaverDays
	}
	if r.JoinerDays <= 0 {
		r.JoinerDays = DefaultJoinerDays
	}
	return r
}

// Roster findings.
const (
	FindingLeaverActive   = "leaver_active"          // a leaver still has an active account after the deadline
	FindingJoinerNoAccess = "joiner_without_account" // a joiner past the deadline has no identity provider account
	FindingUnlinked       = "unlinked_account"       // an active account belongs to nobody on the roster
	FindingNameConflict   = "name_conflict"          // an account's name is not its person's
	FindingDeptConflict   = "department_conflict"    // an identity provider's department is not the person's
)

// RosterFinding is one thing the roster says is wrong, with its deadline.
type RosterFinding struct {
	Kind    string   `json:"kind"`
	Person  *Person  `json:"person,omitempty"`
	Account *Account `json:"account,omitempty"`
	Due     string   `json:"due,omitempty"` // YYYY-MM-DD: when it should have been done
	Message string   `json:"message"`
}

// RosterRow is one person and the accounts linked to them.
type RosterRow struct {
	Person   Person    `json:"person"`
	State    string    `json:"state"` // PersonJoining, PersonActive, PersonLeft
	Accounts []Account `json:"accounts"`
}

// Roster is the reconciliation of people and accounts on one day.
type Roster struct {
	Today    string          `json:"today"`
	Rules    RosterRules     `json:"rules"`
	People   []RosterRow     `json:"people"`
	Unlinked []Account       `json:"unlinked"`
	Findings []RosterFinding `json:"findings"`
	// IdentityProviders is whether any identity provider was collected:
	// without one, joiners cannot be judged.
	IdentityProviders bool `json:"identity_providers"`
}

// Reconcile links accounts to people (manual links first, then by email or
// alias) and derives the findings on day today (YYYY-MM-DD). Pure: the
// caller reads people, accounts and links.
func Reconcile(people []Person, accounts []Account, links []AccountLink, today string, rules RosterRules) Roster {
	rules = rules.withDefaults()
	ro := Roster{Today: today, Rules: rules}
	byEmail := map[string]int{}
	byID := map[int64]int{}
	for i, p := range people {
		ro.People = append(ro.People, RosterRow{Person: p, State: p.State(today)})
		byEmail[NormalizeEmail(p.Email)], byID[p.ID] = i, i
	}
	manual := map[string]int64{}
	for _, l := range links {
		manual[linkKey(l.ConnectionID, l.Key)] = l.PersonID
	}
	for _, a := range accounts {
		if IdentityTypes[a.Type].IdentityProvider {
			ro.IdentityProviders = true
		}
		row, found := -1, false
		if pid, ok := manual[linkKey(a.ConnectionID, a.Key)]; ok {
			row, found = byID[pid]
			a.LinkedBy = "manual"
		}
		if !found {
			for _, e := range append([]string{a.Email}, a.Aliases...) {
				if i, ok := byEmail[e]; ok && e != "" {
					row, found, a.LinkedBy = i, true, "email"
					break
				}
			}
		}
		if !found {
			a.LinkedBy = ""
			ro.Unlinked = append(ro.Unlinked, a)
			if a.Active {
				acc := a
				ro.Findings = append(ro.Findings, RosterFinding{Kind: FindingUnlinked, Account: &acc,
					Message: "Active " + a.System + " account " + a.Login + " belongs to nobody on the roster: link it to its owner, or disable it"})
			}
			continue
		}
		p := ro.People[row].Person
		a.PersonID = p.ID
		ro.People[row].Accounts = append(ro.People[row].Accounts, a)
		if a.Name != "" && normalName(a.Name) != normalName(p.Name) {
			acc, person := a, p
			ro.Findings = append(ro.Findings, RosterFinding{Kind: FindingNameConflict, Person: &person, Account: &acc,
				Message: a.System + " account " + a.Login + " is named " + a.Name + ", the roster says " + p.Name + ": correct whichever is wrong"})
		}
		// A department is compared only where both sides have one: an
		// empty field is a gap, not a contradiction.
		if a.Department != "" && p.Department != "" && normalName(a.Department) != normalName(p.Department) {
			acc, person := a, p
			ro.Findings = append(ro.Findings, RosterFinding{Kind: FindingDeptConflict, Person: &person, Account: &acc,
				Message: a.System + " account " + a.Login + " is in department " + a.Department + ", the roster puts " + p.Name + " in " + p.Department + ": correct whichever is wrong"})
		}
	}
	for i := range ro.People {
		r := &ro.People[i]
		p := r.Person
		switch r.State {
		case PersonLeft:
			due := addDays(p.EndDate, rules.LeaverDays)
			if today <= due {
				continue // still within the deadline
			}
			for _, a := range r.Accounts {
				if a.Active {
					acc, person := a, p
					ro.Findings = append(ro.Findings, RosterFinding{Kind: FindingLeaverActive, Person: &person, Account: &acc, Due: due,
						Message: p.Name + " left on " + p.EndDate + " and still has an active " + a.System + " account (" + a.Login + ")"})
				}
			}
		case PersonActive:
			due := addDays(p.StartDate, rules.JoinerDays)
			if !ro.IdentityProviders || today <= due {
				continue
			}
			if !slices.ContainsFunc(r.Accounts, func(a Account) bool { return IdentityTypes[a.Type].IdentityProvider }) {
				person := p
				ro.Findings = append(ro.Findings, RosterFinding{Kind: FindingJoinerNoAccess, Person: &person, Due: due,
					Message: p.Name + " started on " + p.StartDate + " and has no account at any identity provider"})
			}
		}
	}
	slices.SortStableFunc(ro.Findings, func(a, b RosterFinding) int { return strings.Compare(a.Kind, b.Kind) })
	return ro
}

// normalName compares names regardless of case and spacing.
func normalName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func linkKey(connectionID int64, key string) string {
	return strconv.FormatInt(connectionID, 10) + "\x00" + key
}

// addDays returns the date days after day (both YYYY-MM-DD); day itself when
// it does not parse.
func addDays(day string, days int) string {
	t, err := time.Parse(DateLayout, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, days).Format(DateLayout)
}
