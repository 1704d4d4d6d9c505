package store

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
)

const userColumns = `u.id, u.email, u.name, u.password_hash, u.created_at`

func scanUser(row interface{ Scan(...any) error }, u *attest.User) error {
	return row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt)
}

// CreateUser inserts a user whose PasswordHash is already set; a taken email is ECONFLICT.
func (q *Queries) CreateUser(ctx context.Context, u *attest.User) error {
	u.Email = attest.NormalizeEmail(u.Email)
	if err := attest.ValidateEmail(u.Email); err != nil {
		return err
	}
	if err := attest.ValidateName(u.Name); err != nil {
		return err
	}
	u.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, u.CreatedAt).Scan(&u.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "email", Message: fmt.Sprintf("an account for %s already exists", u.Email)}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UserByEmail finds a user by (normalized) email.
func (q *Queries) UserByEmail(ctx context.Context, email string) (attest.User, error) {
	var u attest.User
	err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, attest.NormalizeEmail(email)), &u)
	return u, notFound(err, "user")
}

// UserByID finds a user by ID.
func (q *Queries) UserByID(ctx context.Context, id int64) (attest.User, error) {
	var u attest.User
	err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id), &u)
	return u, notFound(err, "user")
}

// SetPasswordHash replaces a user's password hash.
func (q *Queries) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "user not found")
	}
	return nil
}

// CountAdmins counts admin memberships across the install; zero means the
// install still needs its set-up link.
func (q *Queries) CountAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE role = 'admin'`).Scan(&n)
	return n, err
}

// AddMember gives a user a role in an organization; an existing member is ECONFLICT.
func (q *Queries) AddMember(ctx context.Context, orgID, userID int64, role attest.Role) error {
	if _, err := attest.ParseRole(string(role)); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		orgID, userID, role, q.now())
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "already a member of this organization")
	}
	if err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	return nil
}

const membershipQuery = `SELECT ` + orgColumns + `, ` + userColumns + `, m.role, m.created_at
FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id `

func scanMembership(row interface{ Scan(...any) error }, m *attest.Membership) error {
	return scanOrg(row, &m.Org, &m.User.ID, &m.User.Email, &m.User.Name, &m.User.PasswordHash, &m.User.CreatedAt, &m.Role, &m.CreatedAt)
}

func (q *Queries) memberships(ctx context.Context, where string, args ...any) ([]attest.Membership, error) {
	rows, err := q.q.QueryContext(ctx, membershipQuery+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	var out []attest.Membership
	for rows.Next() {
		var m attest.Membership
		if err := scanMembership(rows, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Membership returns a user's membership of an organization, or ENOTFOUND.
func (q *Queries) Membership(ctx context.Context, orgID, userID int64) (attest.Membership, error) {
	var m attest.Membership
	err := scanMembership(q.q.QueryRowContext(ctx, membershipQuery+`WHERE m.org_id = $1 AND m.user_id = $2`, orgID, userID), &m)
	return m, notFound(err, "member")
}

// Memberships lists the organizations a user belongs to, by name.
func (q *Queries) Memberships(ctx context.Context, userID int64) ([]attest.Membership, error) {
	return q.memberships(ctx, `WHERE m.user_id = $1 ORDER BY o.name, o.id`, userID)
}

// Members lists an organization's members, by name.
func (q *Queries) Members(ctx context.Context, orgID int64) ([]attest.Membership, error) {
	return q.memberships(ctx, `WHERE m.org_id = $1 ORDER BY u.name, u.id`, orgID)
}

// SetRole changes a member's role. Demoting the last admin is refused so that an
// organization can never lock itself out.
func (q *Queries) SetRole(ctx context.Context, orgID, userID int64, role attest.Role) error {
	if _, err := attest.ParseRole(string(role)); err != nil {
		return err
	}
	m, err := q.Membership(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if m.Role == attest.RoleAdmin && role != attest.RoleAdmin {
		if err := q.keepAnAdmin(ctx, orgID); err != nil {
			return err
		}
	}
	_, err = q.q.ExecContext(ctx, `UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3`, role, orgID, userID)
	return err
}

// RemoveMember ends a membership and revokes the member's API tokens for the
// organization. The last admin cannot be removed.
func (q *Queries) RemoveMember(ctx context.Context, orgID, userID int64) error {
	m, err := q.Membership(ctx, orgID, userID)
	if err != nil {
		return err
	}
	if m.Role == attest.RoleAdmin {
		if err := q.keepAnAdmin(ctx, orgID); err != nil {
			return err
		}
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL`,
		q.now(), orgID, userID); err != nil {
		return err
	}
	// What they owned becomes unowned, so readiness shows the gap and the
	// records stay editable.
	for _, stmt := range []string{
		`UPDATE controls SET owner_id = NULL, updated_at = $1 WHERE org_id = $2 AND owner_id = $3`,
		`UPDATE tasks SET owner_id = NULL, updated_at = $1 WHERE org_id = $2 AND owner_id = $3`,
	} {
		if _, err := q.q.ExecContext(ctx, stmt, q.now(), orgID, userID); err != nil {
			return err
		}
	}
	_, err = q.q.ExecContext(ctx, `DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, orgID, userID)
	return err
}

func (q *Queries) keepAnAdmin(ctx context.Context, orgID int64) error {
	// Two admins demoting each other at once must not both see "another admin
	// remains". PostgreSQL serializes them on the organization's row; SQLite's
	// immediate transactions already run one at a time.
	if q.dialect == Postgres {
		if _, err := q.q.ExecContext(ctx, `SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, orgID); err != nil {
			return err
		}
	}
	var admins int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'`, orgID).Scan(&admins); err != nil {
		return err
	}
	if admins <= 1 {
		return attest.Invalid("role", "an organization must keep at least one admin")
	}
	return nil
}
