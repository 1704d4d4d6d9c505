package people

import (
	"context"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Change is a partial edit of a person, as the API's PATCH and scripts send
// it: a nil field keeps its value, a field set to "" (or a ManagerID of 0)
// clears it.
type Change struct {
	Name, Email, Title, Department, EmploymentType, StartDate, EndDate *string
	ManagerID                                                          *int64
}

// Change applies ch to a person, reading and writing in one transaction so
// that an edit of other fields made meanwhile is not overwritten.
func (s *Service) Change(ctx context.Context, p attest.Principal, id int64, ch Change) (attest.Person, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Person{}, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := tx.Person(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		after := before
		for _, f := range []struct {
			to   *string
			from *string
		}{{&after.Name, ch.Name}, {&after.Email, ch.Email}, {&after.Title, ch.Title}, {&after.Department, ch.Department},
			{&after.EmploymentType, ch.EmploymentType}, {&after.StartDate, ch.StartDate}, {&after.EndDate, ch.EndDate}} {
			if f.from != nil {
				*f.to = *f.from
			}
		}
		if ch.ManagerID != nil {
			after.ManagerID = *ch.ManagerID
		}
		if err := attest.ValidatePerson(&after); err != nil {
			return err
		}
		if after == before {
			return nil // an edit that changes nothing leaves no trace
		}
		if err := tx.UpdatePerson(ctx, &after); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("person.updated", "person", strconv.FormatInt(id, 10), "Updated "+after.Name+": "+changes(before, after)))
	})
	if err != nil {
		return attest.Person{}, err
	}
	return s.DB.Person(ctx, p.OrgID, id)
}

// ManagerByEmail finds the person whose work email is given, to be someone's
// manager: the CSV file, the command line and the API name managers by email.
// An empty email is no manager (0); an email of nobody in the organization is
// invalid on the field "manager".
func (s *Service) ManagerByEmail(ctx context.Context, p attest.Principal, email string) (int64, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return 0, err
	}
	email = attest.NormalizeEmail(email)
	if email == "" {
		return 0, nil
	}
	m, err := s.DB.PersonByEmail(ctx, p.OrgID, email)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return 0, attest.Invalid("manager", "%s is not a person of this organization", email)
	}
	return m.ID, err
}
