package store

import (
	"context"
	"time"
)

// Failure scopes for login throttling.
const (
	ScopeAccount = "account"
	ScopeAddress = "address"
)

// RecordLoginFailure notes a failed login for a key (an email or an address).
func (q *Queries) RecordLoginFailure(ctx context.Context, scope, key string) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3)`, scope, key, q.now())
	return err
}

// LoginFailures returns the failure times for a key since a moment.
func (q *Queries) LoginFailures(ctx context.Context, scope, key string, since time.Time) ([]time.Time, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT at FROM login_failures WHERE scope = $1 AND key = $2 AND at > $3`, scope, key, stamp(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ClearLoginFailures forgets an account's failures after a successful login.
func (q *Queries) ClearLoginFailures(ctx context.Context, scope, key string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE scope = $1 AND key = $2`, scope, key)
	return err
}

// PruneLoginFailures drops failures older than a moment.
func (q *Queries) PruneLoginFailures(ctx context.Context, before time.Time) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, stamp(before))
	return err
}
