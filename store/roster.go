package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/attest-hq/attest"
)

// AccountLinks lists an organization's manual links of accounts to people.
func (q *Queries) AccountLinks(ctx context.Context, orgID int64) ([]attest.AccountLink, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT connection_id, account_key, person_id FROM account_links WHERE org_id = $1 ORDER BY connection_id, account_key`, orgID)
	if err != nil {
		return nil, fmt.Errorf("account links: %w", err)
	}
	defer rows.Close()
	var out []attest.AccountLink
	for rows.Next() {
		var l attest.AccountLink
		if err := rows.Scan(&l.ConnectionID, &l.Key, &l.PersonID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinkAccount links an account to a person of the same organization,
// replacing an earlier link of the account.
func (q *Queries) LinkAccount(ctx context.Context, orgID int64, l attest.AccountLink, by int64) error {
	if _, err := q.Person(ctx, orgID, l.PersonID); err != nil {
		return err // another organization's person is not found
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO account_links (org_id, connection_id, account_key, person_id, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, connection_id, account_key) DO UPDATE SET person_id = excluded.person_id,
created_by = excluded.created_by, created_at = excluded.created_at`, orgID, l.ConnectionID, l.Key, l.PersonID, nullID(by), q.now())
	if err != nil {
		return fmt.Errorf("link account: %w", err)
	}
	return nil
}

// UnlinkAccount removes an account's manual link.
func (q *Queries) UnlinkAccount(ctx context.Context, orgID, connectionID int64, key string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM account_links WHERE org_id = $1 AND connection_id = $2 AND account_key = $3`, orgID, connectionID, key)
	if err != nil {
		return fmt.Errorf("unlink account: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "no link for account %s", key)
	}
	return nil
}

// RosterRules returns an organization's roster deadlines; zero values (the
// defaults) when it set none.
func (q *Queries) RosterRules(ctx context.Context, orgID int64) (attest.RosterRules, error) {
	var r attest.RosterRules
	err := q.q.QueryRowContext(ctx, `SELECT leaver_days, joiner_days FROM roster_rules WHERE org_id = $1`, orgID).Scan(&r.LeaverDays, &r.JoinerDays)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	return r, err
}

// SetRosterRules sets an organization's roster deadlines.
func (q *Queries) SetRosterRules(ctx context.Context, orgID int64, r attest.RosterRules) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO roster_rules (org_id, leaver_days, joiner_days) VALUES ($1, $2, $3)
ON CONFLICT (org_id) DO UPDATE SET leaver_days = excluded.leaver_days, joiner_days = excluded.joiner_days`, orgID, r.LeaverDays, r.JoinerDays)
	return err
}
