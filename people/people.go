// Package people keeps an organization's workforce records: who works there,
// in which role and department, reporting to whom, since and until when. They
// are added one by one (UI, API) or imported from a CSV file (UI, API, CLI),
// all or nothing. Signing in is separate: a person is invited as an employee
// through the members' invitations, and linked by work email.
package people

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Service reads and changes people records.
type Service struct {
	DB *store.DB

	background store.Kept[string, []attest.BackgroundRow] // BackgroundChecks', by day
}

// List returns the organization's people f selects. The roster is for those
// who read the compliance programme (admins, managers, auditors); employees
// see their own work, not their colleagues' records.
func (s *Service) List(ctx context.Context, p attest.Principal, f store.PeopleFilter) ([]attest.Person, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.People(ctx, p.OrgID, f)
}

// Get returns one person.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (attest.Person, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Person{}, err
	}
	return s.DB.Person(ctx, p.OrgID, id)
}

// Add records a person entered by hand.
func (s *Service) Add(ctx context.Context, p attest.Principal, in attest.Person) (attest.Person, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return in, err
	}
	in.ID, in.OrgID, in.Source = 0, p.OrgID, attest.SourceManual
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreatePerson(ctx, &in); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("person.added", "person", strconv.FormatInt(in.ID, 10),
			fmt.Sprintf("Added %s (%s, %s from %s)", in.Name, in.Email, in.EmploymentType, in.StartDate)))
	})
	if err != nil {
		return in, err
	}
	return s.DB.Person(ctx, p.OrgID, in.ID)
}

// changes names the fields that differ, for the activity log.
func changes(a, b attest.Person) string {
	var out []string
	add := func(name, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s %q → %q", name, x, y))
		}
	}
	add("name", a.Name, b.Name)
	add("email", a.Email, b.Email)
	add("title", a.Title, b.Title)
	add("department", a.Department, b.Department)
	add("manager", strconv.FormatInt(a.ManagerID, 10), strconv.FormatInt(b.ManagerID, 10))
	add("employment type", a.EmploymentType, b.EmploymentType)
	add("start date", a.StartDate, b.StartDate)
	add("end date", a.EndDate, b.EndDate)
	if len(out) == 0 {
		return "nothing changed"
	}
	return strings.Join(out, "; ")
}
