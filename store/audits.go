package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

const auditColumns = `id, org_id, name, framework, type, as_of, period_from, period_to, firm, early_access, status, created_at, closed_at`

func scanAudit(row interface{ Scan(...any) error }, a *attest.Audit) error {
	var closed sql.NullTime
	if err := row.Scan(&a.ID, &a.OrgID, &a.Name, &a.Framework, &a.Type, &a.AsOf, &a.From, &a.To, &a.Firm, &a.Early, &a.Status, &a.CreatedAt, &closed); err != nil {
		return err
	}
	a.ClosedAt = timeOf(closed)
	return nil
}

// CreateAudit stores a new audit of a.OrgID.
func (q *Queries) CreateAudit(ctx context.Context, a *attest.Audit) error {
	a.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO audits (org_id, name, framework, type, as_of, period_from, period_to, firm, early_access, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		a.OrgID, a.Name, a.Framework, a.Type, a.AsOf, a.From, a.To, a.Firm, a.Early, a.Status, a.CreatedAt).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("create audit: %w", err)
	}
	return nil
}

// UpdateAudit saves an audit's fields and status; closing it stamps closed_at.
func (q *Queries) UpdateAudit(ctx context.Context, a *attest.Audit) error {
	if a.Status == attest.AuditClosed && a.ClosedAt.IsZero() {
		a.ClosedAt = q.now()
	}
	res, err := q.q.ExecContext(ctx, `UPDATE audits SET name = $1, framework = $2, type = $3, as_of = $4, period_from = $5, period_to = $6,
firm = $7, early_access = $8, status = $9, closed_at = $10 WHERE id = $11 AND org_id = $12`,
		a.Name, a.Framework, a.Type, a.AsOf, a.From, a.To, a.Firm, a.Early, a.Status, stamp(a.ClosedAt), a.ID, a.OrgID)
	if err != nil {
		return fmt.Errorf("update audit: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "audit %d not found", a.ID)
	}
	return nil
}

// Audit returns one audit of the organization.
func (q *Queries) Audit(ctx context.Context, orgID, id int64) (attest.Audit, error) {
	var a attest.Audit
	err := scanAudit(q.q.QueryRowContext(ctx, `SELECT `+auditColumns+` FROM audits WHERE id = $1 AND org_id = $2`, id, orgID), &a)
	return a, notFound(err, "audit")
}

// Audits lists the organization's audits, the latest first: every one when
// all is set, else those whose IDs are given (an auditor's grants).
func (q *Queries) Audits(ctx context.Context, orgID int64, all bool, ids []int64) ([]attest.Audit, error) {
	out := []attest.Audit{}
	if !all && len(ids) == 0 {
		return out, nil
	}
	query, args := `SELECT `+auditColumns+` FROM audits WHERE org_id = $1`, []any{orgID}
	if !all {
		marks := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		query += ` AND id IN (` + strings.Join(marks, ", ") + `)`
	}
	rows, err := q.q.QueryContext(ctx, query+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list audits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a attest.Audit
		if err := scanAudit(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddAuditor records an auditor invited into an audit; inviting the same
// email again keeps the first row.
func (q *Queries) AddAuditor(ctx context.Context, orgID, auditID int64, email string) error {
	// Through the audit's own row, so an audit of another organization is
	// not found rather than given an auditor.
	if _, err := q.Audit(ctx, orgID, auditID); err != nil {
		return err
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_auditors (org_id, audit_id, email, invited_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (audit_id, email) DO NOTHING`, orgID, auditID, attest.NormalizeEmail(email), q.now())
	if err != nil {
		return fmt.Errorf("add auditor: %w", err)
	}
	return nil
}

// JoinAuditor marks the invited auditor with email as joined by userID: from
// then the row is the user's grant to the audit.
func (q *Queries) JoinAuditor(ctx context.Context, orgID, auditID int64, email string, userID int64) error {
	res, err := q.q.ExecContext(ctx, `UPDATE audit_auditors SET user_id = $1, joined_at = $2 WHERE org_id = $3 AND audit_id = $4 AND email = $5`,
		userID, q.now(), orgID, auditID, attest.NormalizeEmail(email))
	if err != nil {
		return fmt.Errorf("join auditor: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s was not invited into audit %d", email, auditID)
	}
	return nil
}

// RemoveAuditor ends an auditor's access to an audit.
func (q *Queries) RemoveAuditor(ctx context.Context, orgID, auditID int64, email string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM audit_auditors WHERE org_id = $1 AND audit_id = $2 AND email = $3`, orgID, auditID, attest.NormalizeEmail(email))
	if err != nil {
		return fmt.Errorf("remove auditor: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s is not an auditor of audit %d", email, auditID)
	}
	return nil
}

// Auditors lists the auditors invited into an audit of the organization,
// with the names of those who joined.
func (q *Queries) Auditors(ctx context.Context, orgID, auditID int64) ([]attest.AuditorOf, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT x.audit_id, COALESCE(x.user_id, 0), x.email, COALESCE(u.name, ''), x.invited_at, x.joined_at
FROM audit_auditors x LEFT JOIN users u ON u.id = x.user_id
WHERE x.org_id = $1 AND x.audit_id = $2 ORDER BY x.email`, orgID, auditID)
	if err != nil {
		return nil, fmt.Errorf("list auditors: %w", err)
	}
	defer rows.Close()
	out := []attest.AuditorOf{}
	for rows.Next() {
		var a attest.AuditorOf
		var joined sql.NullTime
		if err := rows.Scan(&a.AuditID, &a.UserID, &a.Email, &a.Name, &a.InvitedAt, &joined); err != nil {
			return nil, err
		}
		a.JoinedAt = timeOf(joined)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AuditGrants returns the grants of a user in an organization: the audits
// they joined as an auditor. The caller keeps those open to auditors
// (attest.Audit.OpenToAuditors), so access ends when an audit closes.
func (q *Queries) AuditGrants(ctx context.Context, orgID, userID int64) ([]attest.Audit, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+prefixed("a.", auditColumns)+` FROM audits a
JOIN audit_auditors x ON x.audit_id = a.id AND x.org_id = a.org_id
WHERE a.org_id = $1 AND x.user_id = $2 AND a.status <> 'closed' ORDER BY a.id`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("audit grants: %w", err)
	}
	defer rows.Close()
	var out []attest.Audit
	for rows.Next() {
		var a attest.Audit
		if err := scanAudit(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = p + c
	}
	return strings.Join(cols, ", ")
}

// AuditorAudit is an audit, not closed, that a user is an auditor of, with
// its organization: whether it is open to them depends on the day
// (OpenAuditorOrgs).
type AuditorAudit struct {
	Org    attest.Organization
	Status attest.AuditStatus
	Early  string
}

// AuditorAudits lists the audits, not closed, that a user is an auditor of,
// by their organization's name.
func (q *Queries) AuditorAudits(ctx context.Context, userID int64) ([]AuditorAudit, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+orgColumns+`, a.status, a.early_access FROM audits a
JOIN audit_auditors x ON x.audit_id = a.id AND x.org_id = a.org_id
JOIN organizations o ON o.id = a.org_id
WHERE x.user_id = $1 AND a.status <> 'closed' ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("auditor organizations: %w", err)
	}
	defer rows.Close()
	var out []AuditorAudit
	for rows.Next() {
		var a AuditorAudit
		if err := scanOrg(rows, &a.Org, &a.Status, &a.Early); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// OpenAuditorOrgs is the organizations, in order and each once, of the
// audits open to their auditors at now.
func OpenAuditorOrgs(audits []AuditorAudit, now time.Time) []attest.Organization {
	var out []attest.Organization
	for _, x := range audits {
		a := attest.Audit{Status: x.Status, Early: x.Early}
		if a.OpenToAuditors(now) && (len(out) == 0 || out[len(out)-1].ID != x.Org.ID) {
			out = append(out, x.Org)
		}
	}
	return out
}

// ReportDay is an organization's framework that an open audit reports on
// for a given day.
type ReportDay struct {
	OrgID     int64
	Framework string
}

// ReportingOn lists, across organizations, the frameworks that an audit not
// yet closed reports on day (YYYY-MM-DD): a Type 1 as of it, or a Type 2
// whose window ends on it.
func (q *Queries) ReportingOn(ctx context.Context, day string) ([]ReportDay, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT org_id, framework FROM audits
WHERE status <> 'closed' AND ((type = 'type1' AND as_of = $1) OR (type = 'type2' AND period_to = $1)) ORDER BY org_id, framework`, day)
	if err != nil {
		return nil, fmt.Errorf("audits reporting on %s: %w", day, err)
	}
	defer rows.Close()
	var out []ReportDay
	for rows.Next() {
		var r ReportDay
		if err := rows.Scan(&r.OrgID, &r.Framework); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveReadinessRecord records the organization's readiness for a framework
// on day (result as JSON), replacing an earlier recording of the same day but
// never a later one (another node's, derived after this one).
func (q *Queries) SaveReadinessRecord(ctx context.Context, orgID int64, framework, day string, recordedAt time.Time, result []byte) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO readiness_records (org_id, framework, day, recorded_at, result) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (org_id, framework, day) DO UPDATE SET recorded_at = excluded.recorded_at, result = excluded.result
WHERE readiness_records.recorded_at <= excluded.recorded_at`,
		orgID, framework, day, stamp(recordedAt), string(result))
	if err != nil {
		return fmt.Errorf("record readiness of %s on %s: %w", framework, day, err)
	}
	return nil
}

// ReadinessRecord returns the organization's readiness for a framework as
// last recorded on day, and when. ENOTFOUND when none was.
func (q *Queries) ReadinessRecord(ctx context.Context, orgID int64, framework, day string) (time.Time, []byte, error) {
	var at time.Time
	var result string
	err := q.q.QueryRowContext(ctx, `SELECT recorded_at, result FROM readiness_records WHERE org_id = $1 AND framework = $2 AND day = $3`,
		orgID, framework, day).Scan(&at, &result)
	if err != nil {
		return time.Time{}, nil, notFound(err, "readiness record")
	}
	return stamp(at), []byte(result), nil
}
