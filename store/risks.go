package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// RiskScale returns an organization's risk scale; the default when it set
// none.
func (q *Queries) RiskScale(ctx context.Context, orgID int64) (attest.RiskScale, error) {
	var s attest.RiskScale
	err := q.q.QueryRowContext(ctx, `SELECT likelihood, impact, medium, high, critical FROM risk_scales WHERE org_id = $1`, orgID).
		Scan(&s.Likelihood, &s.Impact, &s.Medium, &s.High, &s.Critical)
	if errors.Is(err, sql.ErrNoRows) {
		return attest.DefaultRiskScale, nil
	}
	return s.Effective(), err
}

// SetRiskScale sets an organization's risk scale.
func (q *Queries) SetRiskScale(ctx context.Context, orgID int64, s attest.RiskScale) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s = s.Effective()
	_, err := q.q.ExecContext(ctx, `INSERT INTO risk_scales (org_id, likelihood, impact, medium, high, critical) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (org_id) DO UPDATE SET likelihood = excluded.likelihood, impact = excluded.impact, medium = excluded.medium,
high = excluded.high, critical = excluded.critical`, orgID, s.Likelihood, s.Impact, s.Medium, s.High, s.Critical)
	return err
}

const riskColumns = `r.id, r.org_id, r.ref, r.title, r.description, r.category, r.library_id, COALESCE(r.owner_id, 0), COALESCE(o.name, ''),
r.likelihood, r.impact, r.residual_likelihood, r.residual_impact, r.treatment, r.treatment_note, r.controls, r.review_date, r.status,
COALESCE(r.approver_id, 0), COALESCE(a.name, ''), r.accept_expires, r.accept_approved_at, r.created_at, r.updated_at`

const riskFrom = ` FROM risks r LEFT JOIN users o ON o.id = r.owner_id LEFT JOIN users a ON a.id = r.approver_id `

func scanRisk(row interface{ Scan(...any) error }, r *attest.Risk) error {
	var controls string
	var approved sql.NullTime
	if err := row.Scan(&r.ID, &r.OrgID, &r.Ref, &r.Title, &r.Description, &r.Category, &r.LibraryID, &r.OwnerID, &r.OwnerName,
		&r.Likelihood, &r.Impact, &r.ResidualLikelihood, &r.ResidualImpact, &r.Treatment, &r.TreatmentNote, &controls, &r.ReviewDate,
		&r.Status, &r.ApproverID, &r.ApproverName, &r.AcceptExpires, &approved, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(controls), &r.Controls); err != nil {
		return fmt.Errorf("risk %d controls: %w", r.ID, err)
	}
	if approved.Valid {
		r.AcceptApprovedAt = approved.Time.UTC()
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return nil
}

// Risks lists the organization's risks by ref number (retired ones too).
func (q *Queries) Risks(ctx context.Context, orgID int64) ([]attest.Risk, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+riskColumns+riskFrom+`WHERE r.org_id = $1 ORDER BY r.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("risks: %w", err)
	}
	defer rows.Close()
	var out []attest.Risk
	for rows.Next() {
		var r attest.Risk
		if err := scanRisk(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Risk returns one of the organization's risks by its ref.
func (q *Queries) Risk(ctx context.Context, orgID int64, ref string) (attest.Risk, error) {
	var r attest.Risk
	err := scanRisk(q.q.QueryRowContext(ctx, `SELECT `+riskColumns+riskFrom+`WHERE r.org_id = $1 AND r.ref = $2`, orgID, ref), &r)
	return r, notFound(err, "risk "+ref)
}

// nextRiskRef is the organization's next free ref, R-<n>.
func (q *Queries) nextRiskRef(ctx context.Context, orgID int64) (string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT ref FROM risks WHERE org_id = $1`, orgID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	top := 0
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(ref, "R-")); err == nil && n > top {
			top = n
		}
	}
	return "R-" + strconv.Itoa(top+1), rows.Err()
}

// CreateRisk adds a risk, giving it the next ref; the caller validated it.
func (q *Queries) CreateRisk(ctx context.Context, r *attest.Risk) error {
	ref, err := q.nextRiskRef(ctx, r.OrgID)
	if err != nil {
		return err
	}
	now := q.now()
	r.Ref, r.CreatedAt, r.UpdatedAt = ref, now, now
	err = q.q.QueryRowContext(ctx, `INSERT INTO risks (org_id, ref, title, description, category, library_id, owner_id, likelihood, impact,
residual_likelihood, residual_impact, treatment, treatment_note, controls, review_date, status, approver_id, accept_expires,
accept_approved_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`,
		r.OrgID, r.Ref, r.Title, r.Description, r.Category, r.LibraryID, nullID(r.OwnerID), r.Likelihood, r.Impact, r.ResidualLikelihood,
		r.ResidualImpact, r.Treatment, r.TreatmentNote, jsonText(nonNil(r.Controls)), r.ReviewDate, r.Status, nullID(r.ApproverID),
		r.AcceptExpires, nullTime(r.AcceptApprovedAt), now, now).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create risk: %w", err)
	}
	return nil
}

// UpdateRisk saves a risk's fields (not its ref or library ID).
func (q *Queries) UpdateRisk(ctx context.Context, r *attest.Risk) error {
	r.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE risks SET title = $1, description = $2, category = $3, owner_id = $4, likelihood = $5,
impact = $6, residual_likelihood = $7, residual_impact = $8, treatment = $9, treatment_note = $10, controls = $11, review_date = $12,
status = $13, approver_id = $14, accept_expires = $15, accept_approved_at = $16, updated_at = $17 WHERE org_id = $18 AND id = $19`,
		r.Title, r.Description, r.Category, nullID(r.OwnerID), r.Likelihood, r.Impact, r.ResidualLikelihood, r.ResidualImpact,
		r.Treatment, r.TreatmentNote, jsonText(nonNil(r.Controls)), r.ReviewDate, r.Status, nullID(r.ApproverID), r.AcceptExpires,
		nullTime(r.AcceptApprovedAt), r.UpdatedAt, r.OrgID, r.ID)
	return affectedOne(res, err, "risk")
}

const assessmentColumns = `s.id, s.org_id, s.uid, s.as_of, s.state, s.note, COALESCE(s.submitted_by, 0), COALESCE(u.name, ''),
s.submitted_at, COALESCE(s.approver_id, 0), COALESCE(a.name, ''), s.approved_at, s.snapshot`

const assessmentFrom = ` FROM risk_assessments s LEFT JOIN users u ON u.id = s.submitted_by LEFT JOIN users a ON a.id = s.approver_id `

type riskSnapshot struct {
	Scale attest.RiskScale      `json:"scale"`
	Risks []attest.AssessedRisk `json:"risks"`
}

func scanAssessment(row interface{ Scan(...any) error }, a *attest.RiskAssessment) error {
	var snap string
	var approved sql.NullTime
	if err := row.Scan(&a.ID, &a.OrgID, &a.UID, &a.AsOf, &a.State, &a.Note, &a.SubmittedBy, &a.SubmittedName, &a.SubmittedAt,
		&a.ApproverID, &a.ApproverName, &approved, &snap); err != nil {
		return err
	}
	var s riskSnapshot
	if err := json.Unmarshal([]byte(snap), &s); err != nil {
		return fmt.Errorf("risk assessment %s: %w", a.UID, err)
	}
	a.Scale, a.Risks = s.Scale, s.Risks
	if approved.Valid {
		a.ApprovedAt = approved.Time.UTC()
	}
	a.SubmittedAt = a.SubmittedAt.UTC()
	return nil
}

// RiskAssessments lists the organization's assessments, newest first.
func (q *Queries) RiskAssessments(ctx context.Context, orgID int64) ([]attest.RiskAssessment, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+assessmentColumns+assessmentFrom+`WHERE s.org_id = $1 ORDER BY s.as_of DESC, s.id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	defer rows.Close()
	var out []attest.RiskAssessment
	for rows.Next() {
		var a attest.RiskAssessment
		if err := scanAssessment(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RiskAssessment returns one of the organization's assessments by uid.
func (q *Queries) RiskAssessment(ctx context.Context, orgID int64, uid string) (attest.RiskAssessment, error) {
	var a attest.RiskAssessment
	err := scanAssessment(q.q.QueryRowContext(ctx, `SELECT `+assessmentColumns+assessmentFrom+`WHERE s.org_id = $1 AND s.uid = $2`, orgID, uid), &a)
	return a, notFound(err, "risk assessment "+uid)
}

// AddRiskAssessment stores a submitted assessment.
func (q *Queries) AddRiskAssessment(ctx context.Context, a *attest.RiskAssessment) error {
	a.SubmittedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO risk_assessments (org_id, uid, as_of, state, note, submitted_by, submitted_at, approver_id,
approved_at, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, a.OrgID, a.UID, a.AsOf, a.State, a.Note,
		nullID(a.SubmittedBy), a.SubmittedAt, nullID(a.ApproverID), nullTime(a.ApprovedAt),
		jsonText(riskSnapshot{Scale: a.Scale, Risks: a.Risks})).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("add risk assessment: %w", err)
	}
	return nil
}

// ApproveRiskAssessment marks a submitted assessment approved.
func (q *Queries) ApproveRiskAssessment(ctx context.Context, orgID, id int64) (time.Time, error) {
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE risk_assessments SET state = 'approved', approved_at = $1 WHERE org_id = $2 AND id = $3 AND state = 'submitted'`,
		now, orgID, id)
	return now, affectedOne(res, err, "submitted risk assessment")
}
