package store

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
)

// CreateSetupToken stores the one-time set-up link's secret hash.
func (q *Queries) CreateSetupToken(ctx context.Context, secretHash string, expiresAt time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`, secretHash, q.now(), expiresAt.UTC())
	return err
}

// CheckSetupToken reports whether a set-up secret is valid and unused.
func (q *Queries) CheckSetupToken(ctx context.Context, secretHash string) error {
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

// UseSetupToken consumes a set-up secret; it succeeds once.
func (q *Queries) UseSetupToken(ctx context.Context, secretHash string) error {
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
