package attest

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Person is someone in an organization's workforce: an employee, contractor
// or intern, with the facts an auditor samples joiners and leavers by. A
// person is not a login account. They may sign in (a user of the same work
// email who is a member, see UserID), and later connectors will link the
// accounts they hold in outside systems. Source and ExternalID say where the
// record came from, so that an identity provider or HR system can keep it in
// step without duplicating people entered by hand.
type Person struct {
	ID             int64     `json:"id"`
	OrgID          int64     `json:"-"`
	Name           string    `json:"name"`
	Email          string    `json:"email"` // work email, unique in the organization, stored in lower case
	Title          string    `json:"title"`
	Department     string    `json:"department"`
	ManagerID      int64     `json:"manager_id,omitempty"` // another person of the organization; 0: none
	ManagerName    string    `json:"manager_name,omitempty"`
	EmploymentType string    `json:"employment_type"`
	StartDate      string    `json:"start_date"`         // YYYY-MM-DD
	EndDate        string    `json:"end_date,omitempty"` // YYYY-MM-DD; "" while they stay
	Source         string    `json:"source"`             // manual, csv; later okta, google, hris
	ExternalID     string    `json:"external_id,omitempty"`
	UserID         int64     `json:"user_id,omitempty"` // the member who signs in with this email, if any
	Role           Role      `json:"role,omitempty"`    // that member's role
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Employment types and the sources of people records.
const (
	EmploymentEmployee   = "employee"
	EmploymentContractor = "contractor"
	EmploymentIntern     = "intern"

	SourceManual = "manual"
	SourceCSV    = "csv"
)

var employmentTypes = []string{EmploymentEmployee, EmploymentContractor, EmploymentIntern}

// EmploymentTypes lists the allowed employment types.
func EmploymentTypes() []string { return slices.Clone(employmentTypes) }

// Person states on a given day.
const (
	PersonJoining = "joining" // starts later
	PersonActive  = "active"
	PersonLeft    = "left" // the end date has passed
)

// State says whether the person has joined, works here, or has left on day
// today (YYYY-MM-DD); the end date is their last working day.
func (p Person) State(today string) string {
	switch {
	case p.StartDate > today:
		return PersonJoining
	case p.EndDate != "" && p.EndDate < today:
		return PersonLeft
	}
	return PersonActive
}

// ValidatePerson normalizes a person's fields and checks them, naming the
// field at fault.
func ValidatePerson(p *Person) error {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.Title = strings.TrimSpace(p.Title)
	p.Department = strings.TrimSpace(p.Department)
	p.EmploymentType = strings.ToLower(strings.TrimSpace(p.EmploymentType))
	p.StartDate = strings.TrimSpace(p.StartDate)
	p.EndDate = strings.TrimSpace(p.EndDate)
	p.ExternalID = strings.TrimSpace(p.ExternalID)
	if p.EmploymentType == "" {
		p.EmploymentType = EmploymentEmployee
	}
	if p.Source == "" {
		p.Source = SourceManual
	}
	switch {
	case p.Name == "":
		return Invalid("name", "is required")
	case len(p.Name) > 200:
		return Invalid("name", "must be at most 200 characters")
	case p.Email == "":
		return Invalid("email", "is required: the person's work email")
	case len(p.Email) > 254:
		return Invalid("email", "must be at most 254 characters")
	case len(p.Title) > 200:
		return Invalid("title", "must be at most 200 characters")
	case len(p.Department) > 200:
		return Invalid("department", "must be at most 200 characters")
	case len(p.ExternalID) > 200:
		return Invalid("external_id", "must be at most 200 characters")
	case !slices.Contains(employmentTypes, p.EmploymentType):
		return Invalid("employment_type", "must be one of %s (got %q)", strings.Join(employmentTypes, ", "), p.EmploymentType)
	}
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || a.Name != "" {
		return Invalid("email", "must be an email address such as ada@example.com (got %q)", p.Email)
	}
	if err := validDay("start_date", p.StartDate, true); err != nil {
		return err
	}
	if err := validDay("end_date", p.EndDate, false); err != nil {
		return err
	}
	if p.EndDate != "" && p.EndDate < p.StartDate {
		return Invalid("end_date", "is before the start date (%s)", p.StartDate)
	}
	return nil
}

// validDay checks a calendar date of working life: 1900 is a slip of a
// date picker, not a start date.
func validDay(field, v string, required bool) error {
	if v == "" {
		if required {
			return Invalid(field, "is required, as a date such as 2026-03-31")
		}
		return nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return Invalid(field, "must be a date such as 2026-03-31 (got %q)", v)
	}
	if v < "1950-01-01" || v > "2099-12-31" {
		return Invalid(field, "must be a date between 1950 and 2099 (got %s)", v)
	}
	return nil
}
