package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-hq/attest"
)

const orgColumns = `o.id, o.slug, o.name, o.created_at, o.require_mfa, o.require_sso, o.sso_break_glass`

func scanOrg(row interface{ Scan(...any) error }, o *attest.Organization, more ...any) error {
	var breakGlass sql.NullInt64
	err := row.Scan(append([]any{&o.ID, &o.Slug, &o.Name, &o.CreatedAt, &o.RequireMFA, &o.RequireSSO, &breakGlass}, more...)...)
	o.SSOBreakGlass = breakGlass.Int64
	return err
}

// CreateOrg validates and inserts an organization; a taken slug is ECONFLICT.
func (q *Queries) CreateOrg(ctx context.Context, o *attest.Organization) error {
	if err := attest.ValidateOrg(o); err != nil {
		return err
	}
	o.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		o.Slug, o.Name, o.CreatedAt).Scan(&o.ID)
	if isUnique(err) {
		return &attest.Error{Code: attest.ECONFLICT, Field: "slug", Message: fmt.Sprintf("an organization named %q already exists", o.Slug)}
	}
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	return nil
}

// OrgBySlug finds an organization by its URL name.
func (q *Queries) OrgBySlug(ctx context.Context, slug string) (attest.Organization, error) {
	var o attest.Organization
	err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations o WHERE o.slug = $1`, slug), &o)
	return o, notFound(err, "organization")
}

// OrgByID finds an organization by ID.
func (q *Queries) OrgByID(ctx context.Context, id int64) (attest.Organization, error) {
	var o attest.Organization
	err := scanOrg(q.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations o WHERE o.id = $1`, id), &o)
	return o, notFound(err, "organization")
}

// RenameOrg changes an organization's display name.
func (q *Queries) RenameOrg(ctx context.Context, id int64, name string) error {
	o := attest.Organization{Slug: "x", Name: name}
	if err := attest.ValidateOrg(&o); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `UPDATE organizations SET name = $1 WHERE id = $2`, o.Name, id)
	return err
}

// SetRequireMFA turns an organization's two-step requirement on or off.
func (q *Queries) SetRequireMFA(ctx context.Context, id int64, on bool) error {
	_, err := q.q.ExecContext(ctx, `UPDATE organizations SET require_mfa = $1 WHERE id = $2`, on, id)
	return err
}

// SetRequireSSO turns an organization's single sign-on requirement on or
// off, with the break-glass admin exempt from it (0 for none).
func (q *Queries) SetRequireSSO(ctx context.Context, id int64, on bool, breakGlass int64) error {
	var bg any
	if breakGlass != 0 {
		bg = breakGlass
	}
	_, err := q.q.ExecContext(ctx, `UPDATE organizations SET require_sso = $1, sso_break_glass = $2 WHERE id = $3`, on, bg, id)
	return err
}

// Orgs lists every organization of the install.
func (q *Queries) Orgs(ctx context.Context) ([]attest.Organization, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organizations o ORDER BY o.slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attest.Organization
	for rows.Next() {
		var o attest.Organization
		if err := scanOrg(rows, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
