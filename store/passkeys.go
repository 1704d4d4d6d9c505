package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// Passkey is a WebAuthn credential of a user's. Credential is go-webauthn's
// Credential as JSON (public key, signature counter, flags).
type Passkey struct {
	ID           int64
	UserID       int64
	CredentialID string // base64url
	Name         string
	Credential   string
	CreatedAt    time.Time
	LastUsedAt   *time.Time
}

const passkeyColumns = `id, user_id, credential_id, name, credential, created_at, last_used_at`

func scanPasskey(row interface{ Scan(...any) error }, p *Passkey) error {
	var used sql.NullTime
	err := row.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.Name, &p.Credential, &p.CreatedAt, &used)
	p.LastUsedAt = timePtr(used)
	return err
}

// AddPasskey stores a new passkey; one already registered is ECONFLICT.
func (q *Queries) AddPasskey(ctx context.Context, p *Passkey) error {
	p.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO passkeys (user_id, credential_id, name, credential, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		p.UserID, p.CredentialID, p.Name, p.Credential, p.CreatedAt).Scan(&p.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "this passkey is already registered")
	}
	if err != nil {
		return fmt.Errorf("add passkey: %w", err)
	}
	return nil
}

// Passkeys lists a user's passkeys, oldest first.
func (q *Queries) Passkeys(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		if err := scanPasskey(rows, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PasskeyByCredential finds a passkey by its credential ID; ENOTFOUND when none.
func (q *Queries) PasskeyByCredential(ctx context.Context, credentialID string) (Passkey, error) {
	var p Passkey
	err := scanPasskey(q.q.QueryRowContext(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE credential_id = $1`, credentialID), &p)
	return p, notFound(err, "passkey")
}

// UsePasskey records a passkey's use and its updated credential (the
// signature counter).
func (q *Queries) UsePasskey(ctx context.Context, id int64, credential string) error {
	_, err := q.q.ExecContext(ctx, `UPDATE passkeys SET credential = $1, last_used_at = $2 WHERE id = $3`, credential, q.now(), id)
	return err
}

// RenamePasskey names one of a user's passkeys; ENOTFOUND when it is not theirs.
func (q *Queries) RenamePasskey(ctx context.Context, userID, id int64, name string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3`, name, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "passkey not found")
	}
	return nil
}

// DeletePasskey removes one of a user's passkeys, returning it; ENOTFOUND
// when it is not theirs.
func (q *Queries) DeletePasskey(ctx context.Context, userID, id int64) (Passkey, error) {
	var p Passkey
	err := scanPasskey(q.q.QueryRowContext(ctx, `DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING `+passkeyColumns, id, userID), &p)
	return p, notFound(err, "passkey")
}

// DeletePasskeys removes all of a user's passkeys (an operator's reset).
func (q *Queries) DeletePasskeys(ctx context.Context, userID int64) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM passkeys WHERE user_id = $1`, userID)
	return err
}

// CreateCeremony stores a WebAuthn ceremony's session data under a secret's hash.
func (q *Queries) CreateCeremony(ctx context.Context, tokenHash string, userID int64, kind, session string, expires time.Time) error {
	var uid any
	if userID != 0 {
		uid = userID
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO webauthn_ceremonies (token_hash, user_id, kind, session, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		tokenHash, uid, kind, session, stamp(expires))
	return err
}

// TakeCeremony removes and returns a live ceremony of a kind, so that each is
// used once; ENOTFOUND when it is unknown, used, expired or of another kind.
func (q *Queries) TakeCeremony(ctx context.Context, tokenHash, kind string) (userID int64, session string, err error) {
	var uid sql.NullInt64
	var gotKind string
	var expires time.Time
	err = q.q.QueryRowContext(ctx, `DELETE FROM webauthn_ceremonies WHERE token_hash = $1 RETURNING user_id, kind, session, expires_at`, tokenHash).
		Scan(&uid, &gotKind, &session, &expires)
	if err != nil {
		return 0, "", notFound(err, "passkey ceremony")
	}
	if gotKind != kind || !expires.After(q.now()) {
		return 0, "", attest.Errorf(attest.ENOTFOUND, "passkey ceremony not found")
	}
	return uid.Int64, session, nil
}

// DeleteExpiredCeremonies removes ceremonies never finished.
func (q *Queries) DeleteExpiredCeremonies(ctx context.Context) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM webauthn_ceremonies WHERE expires_at <= $1`, q.now())
	return err
}
