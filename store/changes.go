package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// ChangeRules returns an organization's change-management rules, the
// defaults when it set none.
func (q *Queries) ChangeRules(ctx context.Context, orgID int64) (attest.ChangeRules, error) {
	r := attest.DefaultChangeRules
	err := q.q.QueryRowContext(ctx, `SELECT emergency_label, emergency_hours FROM change_rules WHERE org_id = $1`, orgID).
		Scan(&r.EmergencyLabel, &r.EmergencyHours)
	if errors.Is(err, sql.ErrNoRows) {
		return attest.DefaultChangeRules, nil
	}
	if err != nil {
		return r, fmt.Errorf("change rules: %w", err)
	}
	return r, nil
}

// SetChangeRules sets an organization's change-management rules.
func (q *Queries) SetChangeRules(ctx context.Context, orgID int64, r attest.ChangeRules) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO change_rules (org_id, emergency_label, emergency_hours) VALUES ($1, $2, $3)
ON CONFLICT (org_id) DO UPDATE SET emergency_label = excluded.emergency_label, emergency_hours = excluded.emergency_hours`,
		orgID, r.EmergencyLabel, r.EmergencyHours)
	if err != nil {
		return fmt.Errorf("set change rules: %w", err)
	}
	return nil
}

// DeployLog lists an organization's uploaded deployments since a time,
// newest first.
func (q *Queries) DeployLog(ctx context.Context, orgID int64, since time.Time) ([]attest.Deployment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT repo, sha, environment, deployer, deployed_at FROM deploy_log
WHERE org_id = $1 AND deployed_at >= $2 ORDER BY deployed_at DESC, repo, sha`, orgID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("deploy log: %w", err)
	}
	defer rows.Close()
	var out []attest.Deployment
	for rows.Next() {
		d := attest.Deployment{Source: "log"}
		if err := rows.Scan(&d.Repo, &d.SHA, &d.Environment, &d.Deployer, &d.At); err != nil {
			return nil, err
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddDeployLog stores uploaded deployments; one already stored (the same
// repository, commit and time) is not stored twice. It returns how many
// were new.
func (q *Queries) AddDeployLog(ctx context.Context, orgID int64, deps []attest.Deployment, by int64) (int, error) {
	added := 0
	for _, d := range deps {
		res, err := q.q.ExecContext(ctx, `INSERT INTO deploy_log (org_id, repo, sha, environment, deployer, deployed_at, uploaded_by, uploaded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, repo, sha, deployed_at) DO NOTHING`,
			orgID, d.Repo, d.SHA, d.Environment, d.Deployer, d.At.UTC(), nullID(by), q.now())
		if err != nil {
			return added, fmt.Errorf("add deployment %s@%s: %w", d.Repo, d.SHA, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	return added, nil
}
