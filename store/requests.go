package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
)

// RequestFilter narrows an audit's request list; zero values match all.
type RequestFilter struct {
	Status  attest.RequestStatus
	OwnerID int64
}

const requestSelect = `SELECT r.id, r.org_id, r.audit_id, r.ref, r.control_id, COALESCE(c.ref, ''), r.period, r.title, r.details, r.expected, r.source,
r.owner_id, COALESCE(NULLIF(u.name, ''), u.email, ''), r.due, r.status, r.created_at, r.updated_at,
(SELECT COUNT(*) FROM audit_request_evidence x WHERE x.request_id = r.id),
(SELECT COUNT(*) FROM audit_request_events e WHERE e.request_id = r.id AND e.action = 'comment')
FROM audit_requests r LEFT JOIN controls c ON c.id = r.control_id LEFT JOIN users u ON u.id = r.owner_id `

func scanRequest(row interface{ Scan(...any) error }, r *attest.AuditRequest) error {
	var control, owner sql.NullInt64
	err := row.Scan(&r.ID, &r.OrgID, &r.AuditID, &r.Ref, &control, &r.Control, &r.Period, &r.Title, &r.Details, &r.Expected, &r.Source,
		&owner, &r.Owner, &r.Due, &r.Status, &r.CreatedAt, &r.UpdatedAt, &r.Attached, &r.Comments)
	r.ControlID, r.OwnerID = control.Int64, owner.Int64
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return err
}

// CreateRequest adds a request to an audit of the organization; a ref the
// audit already has is ECONFLICT, an audit of another organization
// ENOTFOUND.
func (q *Queries) CreateRequest(ctx context.Context, r *attest.AuditRequest) error {
	if _, err := q.Audit(ctx, r.OrgID, r.AuditID); err != nil {
		return err
	}
	now := q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO audit_requests (org_id, audit_id, ref, control_id, period, title, details, expected, source, owner_id,
due, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		r.OrgID, r.AuditID, r.Ref, nullID(r.ControlID), r.Period, r.Title, r.Details, r.Expected, r.Source, nullID(r.OwnerID),
		r.Due, r.Status, now).Scan(&r.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "the audit already has a request %q", r.Ref)
	}
	if err != nil {
		return fmt.Errorf("create request: %w", err)
	}
	r.CreatedAt, r.UpdatedAt = now, now
	return nil
}

// Requests lists an audit's requests by ref.
func (q *Queries) Requests(ctx context.Context, orgID, auditID int64, f RequestFilter) ([]attest.AuditRequest, error) {
	rows, err := q.q.QueryContext(ctx, requestSelect+`WHERE r.org_id = $1 AND r.audit_id = $2 AND ($3 = '' OR r.status = $3)
AND ($4 = 0 OR r.owner_id = $4) ORDER BY r.ref, r.id`, orgID, auditID, string(f.Status), f.OwnerID)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	var out []attest.AuditRequest
	for rows.Next() {
		var r attest.AuditRequest
		if err := scanRequest(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Request returns one request of an audit of the organization.
func (q *Queries) Request(ctx context.Context, orgID, auditID, id int64) (attest.AuditRequest, error) {
	var r attest.AuditRequest
	err := scanRequest(q.q.QueryRowContext(ctx, requestSelect+`WHERE r.org_id = $1 AND r.audit_id = $2 AND r.id = $3`, orgID, auditID, id), &r)
	return r, notFound(err, "request")
}

// UpdateRequest saves a request's status, owner and due day.
func (q *Queries) UpdateRequest(ctx context.Context, r *attest.AuditRequest) error {
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE audit_requests SET status = $1, owner_id = $2, due = $3, updated_at = $4
WHERE org_id = $5 AND audit_id = $6 AND id = $7`, r.Status, nullID(r.OwnerID), r.Due, now, r.OrgID, r.AuditID, r.ID)
	if err != nil {
		return fmt.Errorf("update request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "request not found")
	}
	r.UpdatedAt = now
	return nil
}

// AddRequestEvent appends to a request's history. The request must be the
// organization's; its evidence IDs are attached to it, each of them the
// organization's evidence (another's is ENOTFOUND).
func (q *Queries) AddRequestEvent(ctx context.Context, orgID int64, ev *attest.RequestEvent) error {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_requests WHERE org_id = $1 AND id = $2`, orgID, ev.RequestID).Scan(&n); err != nil {
		return fmt.Errorf("request event: %w", err)
	}
	if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "request not found")
	}
	ev.At = q.now()
	ids := make([]string, 0, len(ev.Evidence))
	for _, id := range ev.Evidence {
		res, err := q.q.ExecContext(ctx, `INSERT INTO audit_request_evidence (org_id, request_id, evidence_id, attached_at)
SELECT $1, $2, id, $3 FROM evidence WHERE org_id = $1 AND id = $4
AND NOT EXISTS (SELECT 1 FROM audit_request_evidence WHERE request_id = $2 AND evidence_id = $4)`, orgID, ev.RequestID, ev.At, id)
		if err != nil {
			return fmt.Errorf("attach evidence %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var mine int
			if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM evidence WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&mine); err != nil {
				return err
			}
			if mine == 0 {
				return attest.Invalid("evidence", "evidence %d not found", id)
			}
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO audit_request_events (org_id, request_id, at, actor_id, actor, auditor, action, status, body, evidence)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, orgID, ev.RequestID, ev.At, nullID(ev.ActorID), ev.Actor, ev.Auditor,
		string(ev.Action), string(ev.Status), ev.Text, strings.Join(ids, ",")).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("request event: %w", err)
	}
	return nil
}

// RequestEvents returns a request's history, oldest first.
func (q *Queries) RequestEvents(ctx context.Context, orgID, requestID int64) ([]attest.RequestEvent, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, request_id, at, actor_id, actor, auditor, action, status, body, evidence
FROM audit_request_events WHERE org_id = $1 AND request_id = $2 ORDER BY id`, orgID, requestID)
	if err != nil {
		return nil, fmt.Errorf("request events: %w", err)
	}
	defer rows.Close()
	var out []attest.RequestEvent
	for rows.Next() {
		var ev attest.RequestEvent
		var actor sql.NullInt64
		var ids string
		if err := rows.Scan(&ev.ID, &ev.RequestID, &ev.At, &actor, &ev.Actor, &ev.Auditor, &ev.Action, &ev.Status, &ev.Text, &ids); err != nil {
			return nil, err
		}
		ev.ActorID, ev.At = actor.Int64, ev.At.UTC()
		for s := range strings.SplitSeq(ids, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				ev.Evidence = append(ev.Evidence, id)
			}
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// RequestEvidence returns the IDs of the evidence attached to a request,
// in the order attached.
func (q *Queries) RequestEvidence(ctx context.Context, orgID, requestID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT evidence_id FROM audit_request_evidence WHERE org_id = $1 AND request_id = $2
ORDER BY attached_at, evidence_id`, orgID, requestID)
	if err != nil {
		return nil, fmt.Errorf("request evidence: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AttachedToAudit reports whether the evidence item is attached to a
// request of the audit: its auditors may open it, wherever it was collected.
func (q *Queries) AttachedToAudit(ctx context.Context, orgID, auditID, evidenceID int64) (bool, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_request_evidence x JOIN audit_requests r ON r.id = x.request_id
WHERE x.org_id = $1 AND r.org_id = $1 AND r.audit_id = $2 AND x.evidence_id = $3`, orgID, auditID, evidenceID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("attached evidence: %w", err)
	}
	return n > 0, nil
}
