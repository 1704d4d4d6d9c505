package store

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
)

// ScopeFrameworks lists the built-in frameworks the organization pursues
// beside SOC 2, by ID.
func (q *Queries) ScopeFrameworks(ctx context.Context, orgID int64) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT framework FROM scope_frameworks WHERE org_id = $1 ORDER BY framework`, orgID)
	if err != nil {
		return nil, fmt.Errorf("frameworks in scope: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SetScopeFramework brings a framework into the organization's scope or
// takes it out; it reports whether that changed anything. Exclusions are kept
// when a framework leaves scope, so bringing it back restores them.
func (q *Queries) SetScopeFramework(ctx context.Context, orgID int64, framework string, in bool) (bool, error) {
	var err error
	var n int64
	if in {
		n, err = q.exec(ctx, `INSERT INTO scope_frameworks (org_id, framework, added_at) VALUES ($1, $2, $3) ON CONFLICT (org_id, framework) DO NOTHING`,
			orgID, framework, q.now())
	} else {
		n, err = q.exec(ctx, `DELETE FROM scope_frameworks WHERE org_id = $1 AND framework = $2`, orgID, framework)
	}
	if err != nil {
		return false, fmt.Errorf("set framework in scope: %w", err)
	}
	return n > 0, nil
}

func (q *Queries) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Exclusions lists the organization's excluded requirements of framework,
// by requirement.
func (q *Queries) Exclusions(ctx context.Context, orgID int64, framework string) ([]attest.Exclusion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT org_id, framework, requirement, justification, COALESCE(excluded_by, 0), excluded_at
FROM scope_exclusions WHERE org_id = $1 AND framework = $2 ORDER BY requirement`, orgID, framework)
	if err != nil {
		return nil, fmt.Errorf("exclusions: %w", err)
	}
	defer rows.Close()
	var out []attest.Exclusion
	for rows.Next() {
		var e attest.Exclusion
		if err := rows.Scan(&e.OrgID, &e.Framework, &e.Requirement, &e.Justification, &e.ExcludedBy, &e.ExcludedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveExclusion excludes a requirement, or replaces the justification of one
// already excluded.
func (q *Queries) SaveExclusion(ctx context.Context, e *attest.Exclusion) error {
	if err := attest.ValidateExclusion(e); err != nil {
		return err
	}
	e.ExcludedAt = q.now()
	_, err := q.q.ExecContext(ctx, `INSERT INTO scope_exclusions (org_id, framework, requirement, justification, excluded_by, excluded_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, framework, requirement) DO UPDATE SET justification = excluded.justification,
excluded_by = excluded.excluded_by, excluded_at = excluded.excluded_at`,
		e.OrgID, e.Framework, e.Requirement, e.Justification, nullID(e.ExcludedBy), e.ExcludedAt)
	if err != nil {
		return fmt.Errorf("save exclusion: %w", err)
	}
	return nil
}

// DeleteExclusion makes an excluded requirement applicable again; one not
// excluded is ENOTFOUND.
func (q *Queries) DeleteExclusion(ctx context.Context, orgID int64, framework, requirement string) error {
	n, err := q.exec(ctx, `DELETE FROM scope_exclusions WHERE org_id = $1 AND framework = $2 AND requirement = $3`, orgID, framework, requirement)
	if err != nil {
		return err
	}
	if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s is not excluded", requirement)
	}
	return nil
}
