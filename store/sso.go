package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// SaveSSOConfig stores an organization's identity provider, with its client
// secret sealed; a nil sealed keeps the stored secret.
func (q *Queries) SaveSSOConfig(ctx context.Context, c attest.SSOConfig, sealed []byte) error {
	roles, err := json.Marshal(c.GroupRoles)
	if err != nil {
		return err
	}
	if c.GroupRoles == nil {
		roles = []byte("{}")
	}
	domains := strings.Join(c.Domains, ",")
	if sealed == nil {
		res, err := q.q.ExecContext(ctx, `UPDATE sso_configs SET issuer = $1, client_id = $2, domains = $3, groups_claim = $4, default_role = $5,
group_roles = $6, enabled = $7, updated_at = $8 WHERE org_id = $9`,
			c.Issuer, c.ClientID, domains, c.GroupsClaim, string(c.DefaultRole), string(roles), c.Enabled, q.now(), c.OrgID)
		if err != nil {
			return fmt.Errorf("save identity provider: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return attest.Invalid("client_secret", "is required")
		}
		return nil
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO sso_configs (org_id, issuer, client_id, sealed_secret, domains, groups_claim, default_role, group_roles, enabled, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (org_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, sealed_secret = excluded.sealed_secret,
  domains = excluded.domains, groups_claim = excluded.groups_claim, default_role = excluded.default_role,
  group_roles = excluded.group_roles, enabled = excluded.enabled, updated_at = excluded.updated_at`,
		c.OrgID, c.Issuer, c.ClientID, sealed, domains, c.GroupsClaim, string(c.DefaultRole), string(roles), c.Enabled, q.now())
	if err != nil {
		return fmt.Errorf("save identity provider: %w", err)
	}
	return nil
}

// SSOConfig returns an organization's identity provider and its sealed
// client secret; ENOTFOUND without one.
func (q *Queries) SSOConfig(ctx context.Context, orgID int64) (attest.SSOConfig, []byte, error) {
	var c attest.SSOConfig
	var sealed []byte
	var domains, role, roles string
	err := q.q.QueryRowContext(ctx, `SELECT org_id, issuer, client_id, sealed_secret, domains, groups_claim, default_role, group_roles, enabled
FROM sso_configs WHERE org_id = $1`, orgID).Scan(&c.OrgID, &c.Issuer, &c.ClientID, &sealed, &domains, &c.GroupsClaim, &role, &roles, &c.Enabled)
	if err != nil {
		return c, nil, notFound(err, "identity provider")
	}
	c.Domains = attest.ParseDomains(domains)
	c.DefaultRole = attest.Role(role)
	if err := json.Unmarshal([]byte(roles), &c.GroupRoles); err != nil {
		return c, nil, fmt.Errorf("identity provider group roles: %w", err)
	}
	return c, sealed, nil
}

// SSOLogin is a sign-in sent to an identity provider and not yet back.
type SSOLogin struct {
	OrgID           int64
	Nonce, Verifier string
	Next            string
	ExpiresAt       time.Time
}

// CreateSSOLogin stores a sign-in sent to a provider, under its state's hash.
func (q *Queries) CreateSSOLogin(ctx context.Context, stateHash string, l SSOLogin) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sso_logins (state_hash, org_id, nonce, verifier, next_path, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		stateHash, l.OrgID, l.Nonce, l.Verifier, l.Next, stamp(l.ExpiresAt))
	return err
}

// TakeSSOLogin removes and returns the live sign-in with a state's hash, so
// that a state works once; ENOTFOUND when it is unknown, used or expired.
func (q *Queries) TakeSSOLogin(ctx context.Context, stateHash string) (SSOLogin, error) {
	var l SSOLogin
	err := q.q.QueryRowContext(ctx, `DELETE FROM sso_logins WHERE state_hash = $1 RETURNING org_id, nonce, verifier, next_path, expires_at`, stateHash).
		Scan(&l.OrgID, &l.Nonce, &l.Verifier, &l.Next, &l.ExpiresAt)
	if err != nil {
		return l, notFound(err, "sign-in")
	}
	if !l.ExpiresAt.After(q.now()) {
		return l, attest.Errorf(attest.ENOTFOUND, "sign-in not found")
	}
	return l, nil
}

// DeleteExpiredSSOLogins removes sign-ins the provider never sent back.
func (q *Queries) DeleteExpiredSSOLogins(ctx context.Context) error {
	_, err := q.q.ExecContext(ctx, `DELETE FROM sso_logins WHERE expires_at <= $1`, q.now())
	return err
}

// SSOIdentityUser returns the user linked to a provider account of an
// organization; ENOTFOUND before the first sign-in.
func (q *Queries) SSOIdentityUser(ctx context.Context, orgID int64, issuer, subject string) (attest.User, error) {
	var u attest.User
	err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM sso_identities i JOIN users u ON u.id = i.user_id
WHERE i.org_id = $1 AND i.issuer = $2 AND i.subject = $3`, orgID, issuer, subject), &u)
	return u, notFound(err, "identity")
}

// LinkSSOIdentity links a provider account of an organization to a user.
func (q *Queries) LinkSSOIdentity(ctx context.Context, orgID int64, issuer, subject string, userID int64) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO sso_identities (org_id, issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		orgID, issuer, subject, userID, q.now())
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "this provider account is already linked")
	}
	return err
}

// SSOLinkedUsers reports which members of an organization have signed in
// through its provider, keyed by user ID.
func (q *Queries) SSOLinkedUsers(ctx context.Context, orgID int64) (map[int64]bool, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT i.user_id FROM sso_identities i JOIN memberships m ON m.org_id = i.org_id AND m.user_id = i.user_id
WHERE i.org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
