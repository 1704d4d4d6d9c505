package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
)

const tokenColumns = `t.id, t.org_id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

// scanToken scans tokenColumns into t, then more.
func scanToken(row interface{ Scan(...any) error }, t *attest.APIToken, more ...any) error {
	var exp, used, rev sql.NullTime
	if err := row.Scan(append([]any{&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &exp, &used, &rev}, more...)...); err != nil {
		return err
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timeOf(exp), timeOf(used), timeOf(rev)
	return nil
}

// CreateToken stores a token by the hash of its secret.
func (q *Queries) CreateToken(ctx context.Context, t *attest.APIToken, secretHash string) error {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return attest.Invalid("name", "is required")
	}
	if len(t.Name) > 100 {
		return attest.Invalid("name", "must be at most 100 characters")
	}
	t.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO api_tokens (org_id, user_id, name, prefix, token_hash, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, t.OrgID, t.UserID, t.Name, t.Prefix, secretHash, t.CreatedAt, nullTime(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// TokenByHash finds a token by the hash of its secret, active or not.
func (q *Queries) TokenByHash(ctx context.Context, secretHash string) (attest.APIToken, error) {
	var t attest.APIToken
	err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.token_hash = $1`, secretHash), &t)
	return t, notFound(err, "token")
}

// TokenUser is an API token with its owner, and the install's access
// revision read with them (Session.Access).
type TokenUser struct {
	Token  attest.APIToken
	User   attest.User
	Access int64
	Org    OrgRead // the token's organization
}

// TokenUserByHash finds a token by the hash of its secret, with its owner,
// the access revision and its organization's revision, in one statement: an
// API request's first read.
func (q *Queries) TokenUserByHash(ctx context.Context, secretHash string) (TokenUser, error) {
	var tu TokenUser
	err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenColumns+`, `+userColumns+`, (SELECT n FROM access_revision WHERE id = 1),
COALESCE((SELECT revision FROM org_revisions WHERE org_id = t.org_id), 0)
FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, secretHash),
		&tu.Token, &tu.User.ID, &tu.User.Email, &tu.User.Name, &tu.User.PasswordHash, &tu.User.CreatedAt, &tu.Access, &tu.Org.Revision)
	tu.Org.ID = tu.Token.OrgID
	return tu, notFound(err, "token")
}

// TokenState reads what of an API token changes after it is made (its
// revocation, its last use; its owner and organization, which do not, to
// tell a kept one apart), with the access revision and its
// organization's revision, in one statement that leaves out its fixed
// columns and its owner: what a request reads when an earlier one read the
// rest (account keeps it, and the access revision says whether the owner
// changed). The token's Name, Prefix, CreatedAt and ExpiresAt (set when it
// is made) and the User are zero.
func (q *Queries) TokenState(ctx context.Context, secretHash string) (TokenUser, error) {
	var tu TokenUser
	var used, rev sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT t.id, t.org_id, t.user_id, t.last_used_at, t.revoked_at, (SELECT n FROM access_revision WHERE id = 1),
COALESCE((SELECT revision FROM org_revisions WHERE org_id = t.org_id), 0)
FROM api_tokens t WHERE t.token_hash = $1`, secretHash).
		Scan(&tu.Token.ID, &tu.Token.OrgID, &tu.Token.UserID, &used, &rev, &tu.Access, &tu.Org.Revision)
	tu.Token.LastUsedAt, tu.Token.RevokedAt = timeOf(used), timeOf(rev)
	tu.Org.ID = tu.Token.OrgID
	return tu, notFound(err, "token")
}

// Tokens lists a member's tokens in an organization, newest first.
func (q *Queries) Tokens(ctx context.Context, orgID, userID int64) ([]attest.APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.org_id = $1 AND t.user_id = $2 ORDER BY t.id DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []attest.APIToken
	for rows.Next() {
		var t attest.APIToken
		if err := scanToken(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of a member's tokens. A token of another member or
// organization is ENOTFOUND, exactly like a token that does not exist.
func (q *Queries) RevokeToken(ctx context.Context, orgID, userID, tokenID int64) (attest.APIToken, error) {
	var t attest.APIToken
	err := scanToken(q.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.id = $1 AND t.org_id = $2 AND t.user_id = $3`,
		tokenID, orgID, userID), &t)
	if err != nil {
		return t, notFound(err, "token")
	}
	if !t.RevokedAt.IsZero() {
		return t, nil
	}
	t.RevokedAt = q.now()
	_, err = q.q.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, t.RevokedAt, t.ID)
	return t, err
}

// TouchToken records a token's last use.
func (q *Queries) TouchToken(ctx context.Context, tokenID int64) error {
	_, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, q.now(), tokenID)
	return err
}
