package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/attest-hq/attest"
)

// TOTP is a user's authenticator-app secret, sealed. ConfirmedAt is nil
// until a code from it was entered once; LastStep is the last time step
// accepted.
type TOTP struct {
	UserID      int64
	Sealed      []byte
	ConfirmedAt *time.Time
	LastStep    int64
	CreatedAt   time.Time
}

// PutPendingTOTP stores a new, unconfirmed secret for a user, replacing an
// unconfirmed one. A confirmed secret is not replaced (ECONFLICT): it must be
// turned off first.
func (q *Queries) PutPendingTOTP(ctx context.Context, userID int64, sealed []byte) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NULL`, userID); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO totp_factors (user_id, sealed_secret, last_step, created_at) VALUES ($1, $2, 0, $3)`,
		userID, sealed, q.now())
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "an authenticator app is already set up; turn it off first")
	}
	if err != nil {
		return fmt.Errorf("store authenticator secret: %w", err)
	}
	return nil
}

// TOTPFor returns a user's authenticator secret, confirmed or not; ENOTFOUND
// without one.
func (q *Queries) TOTPFor(ctx context.Context, userID int64) (TOTP, error) {
	var t TOTP
	var confirmed sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT user_id, sealed_secret, confirmed_at, last_step, created_at FROM totp_factors WHERE user_id = $1`, userID).
		Scan(&t.UserID, &t.Sealed, &confirmed, &t.LastStep, &t.CreatedAt)
	t.ConfirmedAt = timePtr(confirmed)
	return t, notFound(err, "authenticator app")
}

// UseTOTPStep records step as the last one accepted, only if it is after
// the stored one; it reports whether it was, so that two requests racing
// with the same code cannot both succeed. confirm also marks the secret
// confirmed.
func (q *Queries) UseTOTPStep(ctx context.Context, userID, step int64, confirm bool) (bool, error) {
	query := `UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1`
	args := []any{step, userID}
	if confirm {
		query = `UPDATE totp_factors SET last_step = $1, confirmed_at = $3 WHERE user_id = $2 AND last_step < $1`
		args = append(args, q.now())
	}
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("record authenticator code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteTOTP removes a user's authenticator app (its recovery codes stay:
// ReplaceRecoveryCodes with none removes them).
func (q *Queries) DeleteTOTP(ctx context.Context, userID int64) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM totp_factors WHERE user_id = $1`, userID)
	return err
}

// ReplaceRecoveryCodes stores a new set of recovery-code hashes for a user,
// dropping the previous set.
func (q *Queries) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return fmt.Errorf("store recovery codes: %w", err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code of a user's as used, reporting whether
// there was one.
func (q *Queries) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		q.now(), userID, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Factors is what a user has set up to prove a second factor.
type Factors struct {
	TOTP          bool // a confirmed authenticator app
	Passkeys      int  // passkeys registered
	RecoveryCodes int  // unused recovery codes
}

// Any reports whether the user has a second factor.
func (f Factors) Any() bool { return f.TOTP || f.Passkeys > 0 }

// FactorsOf returns what one user has set up.
func (q *Queries) FactorsOf(ctx context.Context, userID int64) (Factors, error) {
	var f Factors
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM totp_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL`, userID).Scan(&n); err != nil {
		return f, err
	}
	f.TOTP = n > 0
	if err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM passkeys WHERE user_id = $1`, userID).Scan(&f.Passkeys); err != nil {
		return f, err
	}
	err := q.q.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&f.RecoveryCodes)
	return f, err
}

// MemberFactors returns, for each member of an organization, what they have
// set up, keyed by user ID: what an admin sees beside each member.
func (q *Queries) MemberFactors(ctx context.Context, orgID int64) (map[int64]Factors, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT m.user_id,
  (SELECT count(*) FROM totp_factors t WHERE t.user_id = m.user_id AND t.confirmed_at IS NOT NULL),
  (SELECT count(*) FROM passkeys k WHERE k.user_id = m.user_id),
  (SELECT count(*) FROM recovery_codes r WHERE r.user_id = m.user_id AND r.used_at IS NULL)
FROM memberships m WHERE m.org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("member factors: %w", err)
	}
	defer rows.Close()
	out := map[int64]Factors{}
	for rows.Next() {
		var id int64
		var totp int
		var f Factors
		if err := rows.Scan(&id, &totp, &f.Passkeys, &f.RecoveryCodes); err != nil {
			return nil, err
		}
		f.TOTP = totp > 0
		out[id] = f
	}
	return out, rows.Err()
}

// MemberSessions counts each member's live sessions, keyed by user ID.
func (q *Queries) MemberSessions(ctx context.Context, orgID int64) (map[int64]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT s.user_id, count(*) FROM sessions s JOIN memberships m ON m.user_id = s.user_id
WHERE m.org_id = $1 AND s.expires_at > $2 GROUP BY s.user_id`, orgID, q.now())
	if err != nil {
		return nil, fmt.Errorf("member sessions: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// CreateChallenge stores a sign-in awaiting its second step.
func (q *Queries) CreateChallenge(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO signin_challenges (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, userID, q.now(), stamp(expires))
	return err
}

// ChallengeUser returns the user a live challenge is for; ENOTFOUND when it
// is unknown or expired.
func (q *Queries) ChallengeUser(ctx context.Context, tokenHash string) (attest.User, error) {
	var u attest.User
	err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM signin_challenges c JOIN users u ON u.id = c.user_id
WHERE c.token_hash = $1 AND c.expires_at > $2`, tokenHash, q.now()), &u)
	return u, notFound(err, "sign-in")
}

// DeleteChallenges ends a user's pending sign-ins (after one succeeds, or
// when their sessions are revoked).
func (q *Queries) DeleteChallenges(ctx context.Context, userID int64) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM signin_challenges WHERE user_id = $1`, userID)
	return err
}

// DeleteExpiredChallenges removes pending sign-ins past their expiry.
func (q *Queries) DeleteExpiredChallenges(ctx context.Context) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM signin_challenges WHERE expires_at <= $1`, q.now())
	return err
}

// SecondFactorFailures returns a user's wrong second-step codes since a moment.
func (q *Queries) SecondFactorFailures(ctx context.Context, userID int64, since time.Time) ([]time.Time, error) {
	return q.times(ctx, `SELECT at FROM second_factor_failures WHERE user_id = $1 AND at > $2`, userID, stamp(since))
}

// RecordSecondFactorFailure notes a wrong second-step code.
func (q *Queries) RecordSecondFactorFailure(ctx context.Context, userID int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO second_factor_failures (user_id, at) VALUES ($1, $2)`, userID, q.now())
	return err
}

// ClearSecondFactorFailures forgets a user's wrong codes after a success.
func (q *Queries) ClearSecondFactorFailures(ctx context.Context, userID int64) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM second_factor_failures WHERE user_id = $1`, userID)
	return err
}

// PruneSecondFactorFailures drops failures older than a moment.
func (q *Queries) PruneSecondFactorFailures(ctx context.Context, before time.Time) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM second_factor_failures WHERE at < $1`, stamp(before))
	return err
}

// LockSecondFactor serializes second steps for one account until the
// transaction ends, so that concurrent guesses each see the failures before
// them (PostgreSQL; SQLite's immediate transactions serialize already).
func (q *Queries) LockSecondFactor(ctx context.Context, userID int64) error {
	if q.dialect != Postgres {
		return nil
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "attest.second-factor\x00%d", userID)
	if _, err := q.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(h.Sum64())); err != nil {
		return fmt.Errorf("lock second step: %w", err)
	}
	return nil
}

// SealedTOTP is one stored authenticator secret, for re-sealing.
type SealedTOTP struct {
	UserID int64
	Sealed []byte
}

// SealedTOTPs lists every stored authenticator secret of the install.
func (q *Queries) SealedTOTPs(ctx context.Context) ([]SealedTOTP, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT user_id, sealed_secret FROM totp_factors ORDER BY user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SealedTOTP
	for rows.Next() {
		var t SealedTOTP
		if err := rows.Scan(&t.UserID, &t.Sealed); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetSealedTOTP replaces a user's sealed authenticator secret (re-sealed
// with another key; the secret itself is unchanged).
func (q *Queries) SetSealedTOTP(ctx context.Context, userID int64, sealed []byte) error {
	_, err := q.q.ExecContext(ctx, `UPDATE totp_factors SET sealed_secret = $1 WHERE user_id = $2`, sealed, userID)
	return err
}
