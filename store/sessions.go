package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/attest-hq/attest"
)

// Session is a signed-in browser. Only the hash of its cookie value is stored.
type Session struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
	Method     attest.SignInMethod // how it was started; "" is stored as a password
	SSOOrgID   int64               // the organization whose identity provider signed it in (MethodSSO)
	// Access is the install's access revision when the session was read
	// (AccessRevision), in the same statement: what the caller may open can
	// be known current from it without reading their organizations again.
	Access int64
	// Org is the organization SessionUser was asked about, read in the same
	// statement; its ID is 0 when there is none of that slug.
	Org OrgRead
}

// OrgRead is an organization's ID and revision (OrgRevision), read with a
// request's session or token, before anything the request derives: a page
// kept under that revision (Kept.GetAt) is then served without another
// read. It says nothing of whether the caller may open the organization.
type OrgRead struct {
	ID, Revision int64
}

// Proof is what the session proved when it started, for attest.SignInAllowed.
func (s Session) Proof() attest.SessionProof {
	return attest.SessionProof{Method: s.Method, SSOOrgID: s.SSOOrgID, UserID: s.UserID}
}

// CreateSession stores a new session.
func (q *Queries) CreateSession(ctx context.Context, s *Session) error {
	s.CreatedAt = q.now()
	s.LastSeenAt = s.CreatedAt
	if s.Method == "" {
		s.Method = attest.MethodPassword
	}
	var ssoOrg any
	if s.SSOOrgID != 0 {
		ssoOrg = s.SSOOrgID
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent, method, sso_org_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, s.TokenHash, s.UserID, s.CreatedAt, stamp(s.ExpiresAt), s.LastSeenAt, s.IP, truncate(s.UserAgent, 300), s.Method, ssoOrg)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// sessionRevisions and sessionOrg are what SessionUser and SessionState
// read beside a session: the access revision and, when the statement's $3
// names an organization, its ID and revision (Session.Access, Session.Org),
// written once so the whole read and the narrow one stay in step.
const (
	sessionRevisions = `(SELECT n FROM access_revision WHERE id = 1), COALESCE(o.id, 0), COALESCE(r.revision, 0)`
	sessionOrg       = `
LEFT JOIN organizations o ON o.slug = $3 LEFT JOIN org_revisions r ON r.org_id = o.id`
)

// SessionUser returns the session with the given token hash and its user, if the
// session has not expired, with the access revision and, when orgSlug names
// one, that organization's ID and revision (Session.Org): a request to an
// organization's page reads them with its session.
func (q *Queries) SessionUser(ctx context.Context, tokenHash, orgSlug string) (Session, attest.User, error) {
	var s Session
	var u attest.User
	var ssoOrg sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.last_seen_at, s.ip, s.user_agent, s.method, s.sso_org_id, `+userColumns+`,
`+sessionRevisions+`
FROM sessions s JOIN users u ON u.id = s.user_id`+sessionOrg+`
WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, q.now(), orgSlug).
		Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.IP, &s.UserAgent, &s.Method, &ssoOrg,
			&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt, &s.Access, &s.Org.ID, &s.Org.Revision)
	s.SSOOrgID = ssoOrg.Int64
	return s, u, notFound(err, "session")
}

// TouchSession records activity and slides the expiry forward. A session
// already expired is left alone: one that expired between the request's
// read of it and this update (on this server's clock) stays ended.
func (q *Queries) TouchSession(ctx context.Context, tokenHash string, expiresAt time.Time) error {
	now := q.now()
	_, err := q.q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3 AND expires_at > $1`, now, stamp(expiresAt), tokenHash)
	return err
}

// DeleteSession ends one session (logout).
func (q *Queries) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// DeleteOtherSessions ends every session of a user but keep (after a password change).
func (q *Queries) DeleteOtherSessions(ctx context.Context, userID int64, keep string) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	return err
}

// SetSessionMethod records that a session proved more than it was started
// with (a second factor set up while signed in).
func (q *Queries) SetSessionMethod(ctx context.Context, tokenHash string, m attest.SignInMethod) error {
	// Only a password session is raised: a single sign-on session stays
	// bound to its organization.
	_, err := q.q.ExecContext(ctx, `UPDATE sessions SET method = $1 WHERE token_hash = $2 AND method = 'password'`, m, tokenHash)
	return err
}

// DeleteUserSessions signs a user out everywhere, reporting how many sessions ended.
func (q *Queries) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes sessions past their expiry.
func (q *Queries) DeleteExpiredSessions(ctx context.Context) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, q.now())
	return err
}

// truncate shortens s to at most n bytes without splitting a UTF-8 character
// (PostgreSQL rejects invalid UTF-8), and replaces invalid bytes a client sent.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// AccessRevision reads the install's access revision: a number that changes
// with every change to memberships, organizations' names and sign-in rules,
// users, audits' status and early access, and audits' auditors (database
// triggers bump it). SessionUser reads it too, in the same statement.
func (q *Queries) AccessRevision(ctx context.Context) (int64, error) {
	var n int64
	if err := q.q.QueryRowContext(ctx, `SELECT n FROM access_revision WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("access revision: %w", err)
	}
	return n, nil
}

// SessionState reads what of a session changes after it starts (its expiry
// and last use, slid by whichever server saw it used; its method, stepped
// up), with the access revision and, when orgSlug names one, that
// organization's ID and revision, in one statement that leaves out the
// session's fixed columns and its user: what a request reads when an earlier
// one read the rest (account keeps it, and the access revision says whether
// the user changed). The session's CreatedAt, IP and UserAgent are zero. A
// session ended or expired is ENOTFOUND.
func (q *Queries) SessionState(ctx context.Context, tokenHash, orgSlug string) (Session, error) {
	var s Session
	var ssoOrg sql.NullInt64
	err := q.q.QueryRowContext(ctx, `SELECT s.user_id, s.expires_at, s.last_seen_at, s.method, s.sso_org_id,
`+sessionRevisions+`
FROM sessions s`+sessionOrg+`
WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash, q.now(), orgSlug).
		Scan(&s.UserID, &s.ExpiresAt, &s.LastSeenAt, &s.Method, &ssoOrg, &s.Access, &s.Org.ID, &s.Org.Revision)
	s.TokenHash, s.SSOOrgID = tokenHash, ssoOrg.Int64
	return s, notFound(err, "session")
}
