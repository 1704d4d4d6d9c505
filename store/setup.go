package store

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
)

// CreateSetupToken stores the one-time set-up link's secret hash.
func (q *Queries) CreateSetupToken(ctx context.Context, secretHash string, expiresAt time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`, secretHash, q.now(), stamp(expiresAt))
	return err
}

// CheckSetupToken reports whether a set-up secret is valid and unused while the
// install still has no admin.
func (q *Queries) CheckSetupToken(ctx context.Context, secretHash string) error {
	if n, err := q.CountAdmins(ctx); err != nil {
		return err
	} else if n > 0 {
		return attest.Errorf(attest.ENOTFOUND, "Attest is already set up; this set-up link no longer works.")
	}
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		secretHash, q.now()).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "this set-up link is invalid, expired or already used")
	}
	return nil
}

// UseSetupToken consumes a set-up secret; it succeeds once, and only while the
// install has no admin, so a stale link cannot create a second organization.
func (q *Queries) UseSetupToken(ctx context.Context, secretHash string) error {
	if n, err := q.CountAdmins(ctx); err != nil {
		return err
	} else if n > 0 {
		return attest.Errorf(attest.ENOTFOUND, "Attest is already set up; this set-up link no longer works.")
	}
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1`, now, secretHash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "this set-up link is invalid, expired or already used")
	}
	return nil
}
