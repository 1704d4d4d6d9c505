package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
)

// A person's account is the member of the same organization whose user has
// the person's work email; it is joined, not stored, so that a person invited
// later, or a member who joined before the record existed, are linked alike.
const personColumns = `p.id, p.org_id, p.name, p.email, p.title, p.department, p.manager_id, COALESCE(mp.name, ''),
p.employment_type, p.start_date, p.end_date, p.source, p.external_id, COALESCE(m.user_id, 0), COALESCE(m.role, ''),
p.created_at, p.updated_at`

const personFrom = ` FROM people p LEFT JOIN people mp ON mp.id = p.manager_id
LEFT JOIN users u ON u.email = p.email LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = p.org_id `

func scanPerson(row interface{ Scan(...any) error }, p *attest.Person) error {
	var manager sql.NullInt64
	var end sql.NullString
	var role string
	if err := row.Scan(&p.ID, &p.OrgID, &p.Name, &p.Email, &p.Title, &p.Department, &manager, &p.ManagerName,
		&p.EmploymentType, &p.StartDate, &end, &p.Source, &p.ExternalID, &p.UserID, &role, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return err
	}
	p.ManagerID, p.EndDate, p.Role = manager.Int64, end.String, attest.Role(role)
	return nil
}

// PeopleFilter selects people.
type PeopleFilter struct {
	Q string // a part of the name, email, title or department, any case
}

// People lists the organization's people by name.
func (q *Queries) People(ctx context.Context, orgID int64, f PeopleFilter) ([]attest.Person, error) {
	where, args := `p.org_id = $1`, []any{orgID}
	if s := strings.ToLower(strings.TrimSpace(f.Q)); s != "" {
		args = append(args, "%"+likeEscape(s)+"%")
		where += ` AND (LOWER(p.name) LIKE $2 ESCAPE '\' OR p.email LIKE $2 ESCAPE '\' OR LOWER(p.title) LIKE $2 ESCAPE '\'
OR LOWER(p.department) LIKE $2 ESCAPE '\')`
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+personColumns+personFrom+`WHERE `+where+` ORDER BY LOWER(p.name), p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	defer rows.Close()
	var out []attest.Person
	for rows.Next() {
		var p attest.Person
		if err := scanPerson(rows, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// likeEscape escapes LIKE's wildcards so a search for "50%" means it.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Person returns one of the organization's people.
func (q *Queries) Person(ctx context.Context, orgID, id int64) (attest.Person, error) {
	var p attest.Person
	err := scanPerson(q.q.QueryRowContext(ctx, `SELECT `+personColumns+personFrom+`WHERE p.org_id = $1 AND p.id = $2`, orgID, id), &p)
	return p, notFound(err, "person")
}

// PersonByEmail returns the organization's person with a work email.
func (q *Queries) PersonByEmail(ctx context.Context, orgID int64, email string) (attest.Person, error) {
	var p attest.Person
	err := scanPerson(q.q.QueryRowContext(ctx, `SELECT `+personColumns+personFrom+`WHERE p.org_id = $1 AND p.email = $2`,
		orgID, attest.NormalizeEmail(email)), &p)
	return p, notFound(err, "person")
}

// checkManager refuses a manager who is not a person of the organization, or
// the person themself.
func (q *Queries) checkManager(ctx context.Context, p *attest.Person) error {
	if p.ManagerID == 0 {
		return nil
	}
	if p.ManagerID == p.ID {
		return attest.Invalid("manager", "cannot be the person themself")
	}
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE org_id = $1 AND id = $2`, p.OrgID, p.ManagerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return attest.Invalid("manager", "must be a person of this organization")
	}
	return nil
}

// CreatePerson inserts a person; a work email already in the organization is
// ECONFLICT on "email".
func (q *Queries) CreatePerson(ctx context.Context, p *attest.Person) error {
	if err := attest.ValidatePerson(p); err != nil {
		return err
	}
	if err := q.checkManager(ctx, p); err != nil {
		return err
	}
	now := q.now()
	p.CreatedAt, p.UpdatedAt = now, now
	err := q.q.QueryRowContext(ctx, `INSERT INTO people (org_id, name, email, title, department, manager_id, employment_type,
start_date, end_date, source, external_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		p.OrgID, p.Name, p.Email, p.Title, p.Department, nullID(p.ManagerID), p.EmploymentType, p.StartDate, nullString(p.EndDate),
		p.Source, p.ExternalID, now, now).Scan(&p.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "email", Message: fmt.Sprintf("%s is already a person of this organization", p.Email)}
	}
	if err != nil {
		return fmt.Errorf("create person: %w", err)
	}
	return nil
}

// UpdatePerson saves a person's fields.
func (q *Queries) UpdatePerson(ctx context.Context, p *attest.Person) error {
	if err := attest.ValidatePerson(p); err != nil {
		return err
	}
	if err := q.checkManager(ctx, p); err != nil {
		return err
	}
	before, err := q.Person(ctx, p.OrgID, p.ID)
	if err != nil {
		return err // another organization's person is not found
	}
	p.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE people SET name = $1, email = $2, title = $3, department = $4, manager_id = $5,
employment_type = $6, start_date = $7, end_date = $8, source = $9, external_id = $10, updated_at = $11 WHERE org_id = $12 AND id = $13`,
		p.Name, p.Email, p.Title, p.Department, nullID(p.ManagerID), p.EmploymentType, p.StartDate, nullString(p.EndDate),
		p.Source, p.ExternalID, p.UpdatedAt, p.OrgID, p.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "email", Message: fmt.Sprintf("%s is already a person of this organization", p.Email)}
	}
	if err := affectedOne(res, err, "person"); err != nil {
		return err
	}
	return q.addRoleChanges(ctx, p.OrgID, before, *p)
}

// addRoleChanges records the role fields an update changed, as of today,
// so that movers are a population.
func (q *Queries) addRoleChanges(ctx context.Context, orgID int64, before, after attest.Person) error {
	var lookupErr error
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		m, err := q.Person(ctx, orgID, id)
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return m.Name
	}
	changes := attest.RoleChanges(before, after, attest.Today(q.now()), name)
	if lookupErr != nil {
		return lookupErr
	}
	for _, c := range changes {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO person_changes (org_id, person_id, field, from_value, to_value, changed_on, at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, orgID, c.PersonID, c.Field, c.From, c.To, c.On, q.now()); err != nil {
			return fmt.Errorf("record role change: %w", err)
		}
	}
	return nil
}

// RoleChanges lists the organization's role changes recorded in [from, to]
// (YYYY-MM-DD, both included), oldest first.
func (q *Queries) RoleChanges(ctx context.Context, orgID int64, from, to string) ([]attest.RoleChange, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT person_id, field, from_value, to_value, changed_on FROM person_changes
WHERE org_id = $1 AND changed_on >= $2 AND changed_on <= $3 ORDER BY changed_on, id`, orgID, from, to)
	if err != nil {
		return nil, fmt.Errorf("role changes: %w", err)
	}
	defer rows.Close()
	var out []attest.RoleChange
	for rows.Next() {
		var c attest.RoleChange
		if err := rows.Scan(&c.PersonID, &c.Field, &c.From, &c.To, &c.On); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PersonOfUser returns the organization's person with the work email of a
// user: the workforce record of someone signed in.
func (q *Queries) PersonOfUser(ctx context.Context, orgID, userID int64) (attest.Person, error) {
	var p attest.Person
	err := scanPerson(q.q.QueryRowContext(ctx, `SELECT `+personColumns+personFrom+`WHERE p.org_id = $1 AND p.email = (SELECT email FROM users WHERE id = $2)`,
		orgID, userID), &p)
	return p, notFound(err, "person")
}
