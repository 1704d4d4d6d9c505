package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-hq/attest"
)

const invitationColumns = `i.id, i.org_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at, i.audit_id`

func scanInvitation(row interface{ Scan(...any) error }, i *attest.Invitation) error {
	var acc, rev sql.NullTime
	var audit sql.NullInt64
	if err := row.Scan(&i.ID, &i.OrgID, &i.Email, &i.Role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &acc, &rev, &audit); err != nil {
		return err
	}
	i.AuditID = audit.Int64
	i.AcceptedAt, i.RevokedAt = timeOf(acc), timeOf(rev)
	return nil
}

// CreateInvitation stores an invitation by the hash of its link's secret.
func (q *Queries) CreateInvitation(ctx context.Context, i *attest.Invitation, secretHash string) error {
	i.Email = attest.NormalizeEmail(i.Email)
	if err := attest.ValidateEmail(i.Email); err != nil {
		return err
	}
	if _, err := attest.ParseRole(string(i.Role)); err != nil {
		return err
	}
	i.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO invitations (org_id, email, role, token_hash, invited_by, created_at, expires_at, audit_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, i.OrgID, i.Email, i.Role, secretHash, i.InvitedBy, i.CreatedAt, stamp(i.ExpiresAt), nullID(i.AuditID)).Scan(&i.ID)
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	return nil
}

// InvitationByHash finds an invitation by the hash of its secret.
func (q *Queries) InvitationByHash(ctx context.Context, secretHash string) (attest.Invitation, error) {
	var i attest.Invitation
	err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations i WHERE i.token_hash = $1`, secretHash), &i)
	return i, notFound(err, "invitation")
}

// PendingInvitations lists an organization's invitations that can still be
// accepted, into the organization (invitations into one audit are the
// audit's: AuditInvitations).
func (q *Queries) PendingInvitations(ctx context.Context, orgID int64) ([]attest.Invitation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations i
WHERE i.org_id = $1 AND i.audit_id IS NULL AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2 ORDER BY i.id DESC`, orgID, q.now())
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	defer rows.Close()
	var out []attest.Invitation
	for rows.Next() {
		var i attest.Invitation
		if err := scanInvitation(rows, &i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// MarkInvitationAccepted closes an invitation once; a second acceptance, or one
// of a revoked or expired invitation, is EINVALID.
func (q *Queries) MarkInvitationAccepted(ctx context.Context, id int64) error {
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1
WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1`, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.EINVALID, "this invitation has expired or was already used")
	}
	return nil
}

// RevokeInvitation withdraws a pending invitation of the organization.
func (q *Queries) RevokeInvitation(ctx context.Context, orgID, id int64) (attest.Invitation, error) {
	var i attest.Invitation
	if err := scanInvitation(q.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations i WHERE i.id = $1 AND i.org_id = $2`, id, orgID), &i); err != nil {
		return i, notFound(err, "invitation")
	}
	i.RevokedAt = q.now()
	_, err := q.q.ExecContext(ctx, `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND accepted_at IS NULL`, i.RevokedAt, id)
	return i, err
}
