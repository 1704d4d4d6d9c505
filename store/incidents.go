package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/attest-hq/attest"
)

const incidentColumns = `i.id, i.org_id, i.title, i.summary, i.severity, i.status, i.occurred_at, i.detected_at, i.contained_at,
i.resolved_at, i.systems, i.data_categories, i.personal_data, i.root_cause, i.lessons, COALESCE(i.owner_id, 0), COALESCE(u.name, ''),
i.notifications, i.post_mortem, i.post_mortem_evidence, COALESCE(i.signed_off_by, 0), COALESCE(s.name, ''), i.signed_off_at,
i.record_uid, i.created_at, i.updated_at`

const incidentFrom = ` FROM incidents i LEFT JOIN users u ON u.id = i.owner_id LEFT JOIN users s ON s.id = i.signed_off_by `

func scanIncident(row interface{ Scan(...any) error }, i *attest.Incident) error {
	var occurred, contained, resolved, signed sql.NullTime
	var systems, data, notes string
	if err := row.Scan(&i.ID, &i.OrgID, &i.Title, &i.Summary, &i.Severity, &i.Status, &occurred, &i.DetectedAt, &contained,
		&resolved, &systems, &data, &i.PersonalData, &i.RootCause, &i.Lessons, &i.OwnerID, &i.OwnerName,
		&notes, &i.PostMortem, &i.PostMortemEvidence, &i.SignedOffBy, &i.SignedOffName, &signed,
		&i.RecordUID, &i.CreatedAt, &i.UpdatedAt); err != nil {
		return err
	}
	i.OccurredAt, i.ContainedAt, i.ResolvedAt = timeOf(occurred), timeOf(contained), timeOf(resolved)
	i.DetectedAt, i.CreatedAt, i.UpdatedAt = i.DetectedAt.UTC(), i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	if signed.Valid {
		t := signed.Time.UTC()
		i.SignedOffAt = &t
	}
	for _, f := range []struct {
		s string
		v any
	}{{systems, &i.Systems}, {data, &i.DataCategories}, {notes, &i.Notifications}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return fmt.Errorf("incident %d: %w", i.ID, err)
		}
	}
	return nil
}

// IncidentFilter narrows the incident register; zero fields do not filter.
type IncidentFilter struct {
	Severity string
	Status   string
	Open     bool // not resolved or closed
}

// Incidents lists the organization's incidents, most recently detected first.
func (q *Queries) Incidents(ctx context.Context, orgID int64, f IncidentFilter) ([]attest.Incident, error) {
	query := `SELECT ` + incidentColumns + incidentFrom + `WHERE i.org_id = $1`
	args := []any{orgID}
	if f.Severity != "" {
		args = append(args, f.Severity)
		query += fmt.Sprintf(" AND i.severity = $%d", len(args))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		query += fmt.Sprintf(" AND i.status = $%d", len(args))
	}
	if f.Open {
		query += " AND i.status IN ('open', 'contained')"
	}
	rows, err := q.q.QueryContext(ctx, query+" ORDER BY i.detected_at DESC, i.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []attest.Incident
	for rows.Next() {
		var i attest.Incident
		if err := scanIncident(rows, &i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// Incident returns one of the organization's incidents.
func (q *Queries) Incident(ctx context.Context, orgID, id int64) (attest.Incident, error) {
	var i attest.Incident
	err := scanIncident(q.q.QueryRowContext(ctx, `SELECT `+incidentColumns+incidentFrom+`WHERE i.org_id = $1 AND i.id = $2`, orgID, id), &i)
	return i, notFound(err, "incident")
}

func notificationsJSON(n []attest.Notification) string {
	if n == nil {
		n = []attest.Notification{}
	}
	return jsonText(n)
}

// CreateIncident inserts an incident (validated; its owner a member).
func (q *Queries) CreateIncident(ctx context.Context, i *attest.Incident, by int64) error {
	if err := attest.ValidateIncident(i); err != nil {
		return err
	}
	if err := q.checkOwner(ctx, i.OrgID, i.OwnerID, "owner"); err != nil {
		return err
	}
	now := q.now()
	i.CreatedAt, i.UpdatedAt = now, now
	err := q.q.QueryRowContext(ctx, `INSERT INTO incidents (org_id, title, summary, severity, status, occurred_at, detected_at,
contained_at, resolved_at, systems, data_categories, personal_data, root_cause, lessons, owner_id, notifications, post_mortem,
post_mortem_evidence, record_uid, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, '', $19, $20, $21) RETURNING id`,
		i.OrgID, i.Title, i.Summary, i.Severity, i.Status, nullTime(i.OccurredAt), stamp(i.DetectedAt), nullTime(i.ContainedAt),
		nullTime(i.ResolvedAt), jsonText(nonNil(i.Systems)), jsonText(nonNil(i.DataCategories)), i.PersonalData, i.RootCause, i.Lessons,
		nullID(i.OwnerID), notificationsJSON(i.Notifications), i.PostMortem, i.PostMortemEvidence, nullID(by), now, now).Scan(&i.ID)
	if err != nil {
		return fmt.Errorf("create incident: %w", err)
	}
	return nil
}

// UpdateIncident saves every field of incident i.ID but its sign-off.
func (q *Queries) UpdateIncident(ctx context.Context, i *attest.Incident) error {
	if err := attest.ValidateIncident(i); err != nil {
		return err
	}
	if err := q.checkOwner(ctx, i.OrgID, i.OwnerID, "owner"); err != nil {
		return err
	}
	i.UpdatedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE incidents SET title = $1, summary = $2, severity = $3, status = $4, occurred_at = $5,
detected_at = $6, contained_at = $7, resolved_at = $8, systems = $9, data_categories = $10, personal_data = $11, root_cause = $12,
lessons = $13, owner_id = $14, notifications = $15, post_mortem = $16, post_mortem_evidence = $17, updated_at = $18
WHERE org_id = $19 AND id = $20`,
		i.Title, i.Summary, i.Severity, i.Status, nullTime(i.OccurredAt), stamp(i.DetectedAt), nullTime(i.ContainedAt), nullTime(i.ResolvedAt),
		jsonText(nonNil(i.Systems)), jsonText(nonNil(i.DataCategories)), i.PersonalData, i.RootCause, i.Lessons, nullID(i.OwnerID),
		notificationsJSON(i.Notifications), i.PostMortem, i.PostMortemEvidence, i.UpdatedAt, i.OrgID, i.ID)
	return affected(res, err, "incident")
}

// SignOffIncident closes incident id with the sign-off of its post-mortem.
func (q *Queries) SignOffIncident(ctx context.Context, orgID, id, by int64, recordUID string) error {
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE incidents SET status = 'closed', signed_off_by = $1, signed_off_at = $2, record_uid = $3,
updated_at = $2 WHERE org_id = $4 AND id = $5`, nullID(by), now, recordUID, orgID, id)
	return affected(res, err, "incident")
}

func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("update %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return nil
}

const exerciseColumns = `e.id, e.org_id, e.kind, e.format, e.held_on, e.title, e.scenario, e.participants, e.findings, e.record_uid,
COALESCE(e.created_by, 0), e.created_at`

func scanExercise(row interface{ Scan(...any) error }, e *attest.Exercise) error {
	var participants string
	if err := row.Scan(&e.ID, &e.OrgID, &e.Kind, &e.Format, &e.HeldOn, &e.Title, &e.Scenario, &participants, &e.Findings,
		&e.RecordUID, &e.CreatedBy, &e.CreatedAt); err != nil {
		return err
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return json.Unmarshal([]byte(participants), &e.Participants)
}

// Exercises lists the organization's response exercises, newest first.
func (q *Queries) Exercises(ctx context.Context, orgID int64) ([]attest.Exercise, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+exerciseColumns+` FROM exercises e WHERE e.org_id = $1 ORDER BY e.held_on DESC, e.id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list exercises: %w", err)
	}
	defer rows.Close()
	var out []attest.Exercise
	for rows.Next() {
		var e attest.Exercise
		if err := scanExercise(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Exercise returns one of the organization's exercises.
func (q *Queries) Exercise(ctx context.Context, orgID, id int64) (attest.Exercise, error) {
	var e attest.Exercise
	err := scanExercise(q.q.QueryRowContext(ctx, `SELECT `+exerciseColumns+` FROM exercises e WHERE e.org_id = $1 AND e.id = $2`, orgID, id), &e)
	return e, notFound(err, "exercise")
}

// CreateExercise records a held exercise (validated against today).
func (q *Queries) CreateExercise(ctx context.Context, e *attest.Exercise) error {
	if err := attest.ValidateExercise(e, attest.Today(q.now())); err != nil {
		return err
	}
	e.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO exercises (org_id, kind, format, held_on, title, scenario, participants, findings,
record_uid, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		e.OrgID, e.Kind, e.Format, e.HeldOn, e.Title, e.Scenario, jsonText(nonNil(e.Participants)), e.Findings, e.RecordUID,
		nullID(e.CreatedBy), e.CreatedAt).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("create exercise: %w", err)
	}
	return nil
}

// LinkIncidentTask links one of the organization's tasks to its incident
// (exerciseID 0) or exercise (incidentID 0).
func (q *Queries) LinkIncidentTask(ctx context.Context, orgID, taskID, incidentID, exerciseID int64) error {
	if _, err := q.Task(ctx, orgID, taskID); err != nil {
		return err
	}
	if incidentID != 0 {
		if _, err := q.Incident(ctx, orgID, incidentID); err != nil {
			return err
		}
	}
	if exerciseID != 0 {
		if _, err := q.Exercise(ctx, orgID, exerciseID); err != nil {
			return err
		}
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO incident_tasks (org_id, task_id, incident_id, exercise_id) VALUES ($1, $2, $3, $4)`,
		orgID, taskID, nullID(incidentID), nullID(exerciseID))
	if err != nil {
		return fmt.Errorf("link task: %w", err)
	}
	return nil
}

// IncidentTasks returns the tasks linked to an incident (exerciseID 0) or an
// exercise (incidentID 0), oldest first.
func (q *Queries) IncidentTasks(ctx context.Context, orgID, incidentID, exerciseID int64) ([]attest.Task, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+taskColumns+taskFrom+` JOIN incident_tasks it ON it.task_id = t.id
WHERE t.org_id = $1 AND it.org_id = $1 AND (it.incident_id = $2 OR it.exercise_id = $3) ORDER BY t.id`, orgID, incidentID, exerciseID)
	if err != nil {
		return nil, fmt.Errorf("list incident tasks: %w", err)
	}
	defer rows.Close()
	var out []attest.Task
	for rows.Next() {
		var t attest.Task
		if err := scanTask(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LinkedTask is a task linked to an incident or exercise.
type LinkedTask struct {
	attest.Task
	IncidentID, ExerciseID int64
}

// AllIncidentTasks returns every task linked to an incident or exercise of
// the organization, for readiness and the dashboard.
func (q *Queries) AllIncidentTasks(ctx context.Context, orgID int64) ([]LinkedTask, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+taskColumns+`, COALESCE(it.incident_id, 0), COALESCE(it.exercise_id, 0)`+taskFrom+`
JOIN incident_tasks it ON it.task_id = t.id WHERE t.org_id = $1 AND it.org_id = $1 ORDER BY t.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list incident tasks: %w", err)
	}
	defer rows.Close()
	var out []LinkedTask
	for rows.Next() {
		var l LinkedTask
		var t attest.Task
		if err := scanTask(rowScanner{rows, []any{&l.IncidentID, &l.ExerciseID}}, &t); err != nil {
			return nil, err
		}
		l.Task = t
		out = append(out, l)
	}
	return out, rows.Err()
}

// rowScanner scans extra trailing columns into extra.
type rowScanner struct {
	rows  *sql.Rows
	extra []any
}

func (r rowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }

// RecordActivity lists the activity of one record, newest first: a
// record's history.
func (q *Queries) RecordActivity(ctx context.Context, orgID int64, recordType, recordID string) ([]attest.Activity, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.org_id, a.at, COALESCE(a.actor_id, 0), a.actor_label, a.ip, a.via, a.action,
a.record_type, a.record_id, a.summary FROM activity a WHERE a.org_id = $1 AND a.record_type = $2 AND a.record_id = $3 ORDER BY a.id DESC`,
		orgID, recordType, recordID)
	if err != nil {
		return nil, fmt.Errorf("record activity: %w", err)
	}
	defer rows.Close()
	var out []attest.Activity
	for rows.Next() {
		var a attest.Activity
		if err := rows.Scan(&a.ID, &a.OrgID, &a.At, &a.ActorID, &a.ActorLabel, &a.IP, &a.Via, &a.Action, &a.RecordType, &a.RecordID, &a.Summary); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
