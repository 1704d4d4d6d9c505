package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/attest-hq/attest"
)

// PeopleSettings are an organization's deadlines for its workforce, in days
// after a person's start date: the first security awareness training, and
// the background check.
type PeopleSettings struct {
	TrainingDays   int `json:"training_days"`
	BackgroundDays int `json:"background_days"`
}

// PeopleSettings returns the organization's deadlines, or the defaults when
// none were saved.
func (q *Queries) PeopleSettings(ctx context.Context, orgID int64) (PeopleSettings, error) {
	s := PeopleSettings{TrainingDays: attest.DefaultTrainingDays, BackgroundDays: attest.DefaultBackgroundDays}
	err := q.q.QueryRowContext(ctx, `SELECT training_days, background_days FROM people_settings WHERE org_id = $1`, orgID).
		Scan(&s.TrainingDays, &s.BackgroundDays)
	if err == sql.ErrNoRows {
		err = nil
	}
	return s, err
}

// SavePeopleSettings saves the organization's deadlines.
func (q *Queries) SavePeopleSettings(ctx context.Context, orgID int64, s PeopleSettings) error {
	switch {
	case s.TrainingDays < 1 || s.TrainingDays > 365:
		return attest.Invalid("training_days", "must be between 1 and 365 days (got %d)", s.TrainingDays)
	case s.BackgroundDays < 0 || s.BackgroundDays > 365:
		return attest.Invalid("background_days", "must be between 0 (by the start date) and 365 days (got %d)", s.BackgroundDays)
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO people_settings (org_id, training_days, background_days, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (org_id) DO UPDATE SET training_days = excluded.training_days, background_days = excluded.background_days,
updated_at = excluded.updated_at`, orgID, s.TrainingDays, s.BackgroundDays, q.now())
	return err
}

const trainingColumns = `t.id, t.org_id, t.person_id, p.name, t.kind, t.course, t.completed_on, t.score, t.evidence_id, COALESCE(e.uid, ''),
t.link, t.record_uid, t.recorded_by, t.created_at
FROM training_completions t JOIN people p ON p.id = t.person_id LEFT JOIN evidence e ON e.id = t.evidence_id `

// TrainingCompletions lists the organization's training completions (of one
// person, when personID is not 0), newest first.
func (q *Queries) TrainingCompletions(ctx context.Context, orgID, personID int64) ([]attest.TrainingCompletion, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+trainingColumns+`WHERE t.org_id = $1 AND ($2 = 0 OR t.person_id = $2)
ORDER BY t.completed_on DESC, t.id DESC`, orgID, personID)
	if err != nil {
		return nil, fmt.Errorf("training completions: %w", err)
	}
	defer rows.Close()
	var out []attest.TrainingCompletion
	for rows.Next() {
		var c attest.TrainingCompletion
		var ev, by sql.NullInt64
		if err := rows.Scan(&c.ID, &c.OrgID, &c.PersonID, &c.PersonName, &c.Kind, &c.Course, &c.CompletedOn, &c.Score, &ev, &c.EvidenceUID,
			&c.Link, &c.RecordUID, &by, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.EvidenceID, c.RecordedBy = ev.Int64, by.Int64
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateTrainingCompletion inserts a completion of a person of the
// organization (ENOTFOUND for anyone else).
func (q *Queries) CreateTrainingCompletion(ctx context.Context, c *attest.TrainingCompletion) error {
	if err := q.ownPerson(ctx, c.OrgID, c.PersonID); err != nil {
		return err
	}
	c.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO training_completions (org_id, person_id, kind, course, completed_on, score, evidence_id, link,
record_uid, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		c.OrgID, c.PersonID, c.Kind, c.Course, c.CompletedOn, c.Score, nullID(c.EvidenceID), c.Link, c.RecordUID, nullID(c.RecordedBy), c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("create training completion: %w", err)
	}
	return nil
}

// BackgroundChecks lists the organization's background checks by person.
func (q *Queries) BackgroundChecks(ctx context.Context, orgID int64) ([]attest.BackgroundCheck, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT b.id, b.org_id, b.person_id, p.name, p.email, b.provider, b.checked_on, b.status, b.exempt_reason,
b.updated_at FROM background_checks b JOIN people p ON p.id = b.person_id WHERE b.org_id = $1 ORDER BY LOWER(p.name), b.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("background checks: %w", err)
	}
	defer rows.Close()
	var out []attest.BackgroundCheck
	for rows.Next() {
		var b attest.BackgroundCheck
		if err := rows.Scan(&b.ID, &b.OrgID, &b.PersonID, &b.PersonName, &b.PersonEmail, &b.Provider, &b.CheckedOn, &b.Status,
			&b.ExemptReason, &b.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SaveBackgroundCheck records where a person's background check stands,
// replacing what was recorded; by is the user who recorded it. The person
// must be of the organization (ENOTFOUND for anyone else).
func (q *Queries) SaveBackgroundCheck(ctx context.Context, b *attest.BackgroundCheck, by int64) error {
	if err := q.ownPerson(ctx, b.OrgID, b.PersonID); err != nil {
		return err
	}
	now := q.now()
	b.UpdatedAt = now
	err := q.q.QueryRowContext(ctx, `INSERT INTO background_checks (org_id, person_id, provider, checked_on, status, exempt_reason, updated_by,
created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
ON CONFLICT (org_id, person_id) DO UPDATE SET provider = excluded.provider, checked_on = excluded.checked_on, status = excluded.status,
exempt_reason = excluded.exempt_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at RETURNING id`,
		b.OrgID, b.PersonID, b.Provider, b.CheckedOn, b.Status, b.ExemptReason, nullID(by), now).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("save background check: %w", err)
	}
	return nil
}

// ownPerson refuses a person who is not of the organization.
func (q *Queries) ownPerson(ctx context.Context, orgID, personID int64) error {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE org_id = $1 AND id = $2`, orgID, personID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "person not found")
	}
	return nil
}
