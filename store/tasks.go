package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

const taskColumns = `t.id, t.org_id, t.title, t.description, t.owner_id, COALESCE(u.name, ''), t.due_on, t.priority, t.status,
t.control_id, COALESCE(c.ref, ''), t.requirement, t.created_by, t.created_at, t.updated_at, t.completed_at`

const taskFrom = ` FROM tasks t LEFT JOIN users u ON u.id = t.owner_id LEFT JOIN controls c ON c.id = t.control_id `

func scanTask(row interface{ Scan(...any) error }, t *attest.Task) error {
	var owner, control, createdBy sql.NullInt64
	var due sql.NullString
	var completed sql.NullTime
	if err := row.Scan(&t.ID, &t.OrgID, &t.Title, &t.Description, &owner, &t.OwnerName, &due, &t.Priority, &t.Status,
		&control, &t.ControlRef, &t.Requirement, &createdBy, &t.CreatedAt, &t.UpdatedAt, &completed); err != nil {
		return err
	}
	t.OwnerID, t.ControlID, t.CreatedBy, t.DueOn, t.CompletedAt = owner.Int64, control.Int64, createdBy.Int64, due.String, timeOf(completed)
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkTaskLinks refuses an owner or control outside the organization.
func (q *Queries) checkTaskLinks(ctx context.Context, t *attest.Task) error {
	if err := q.checkOwner(ctx, t.OrgID, t.OwnerID, "owner"); err != nil {
		return err
	}
	if t.ControlID != 0 {
		if _, err := q.Control(ctx, t.OrgID, t.ControlID); err != nil {
			if attest.ErrorCode(err) == attest.ENOTFOUND {
				return attest.Invalid("control", "must be a control of this organization")
			}
			return err
		}
	}
	return nil
}

// CreateTask inserts a task.
func (q *Queries) CreateTask(ctx context.Context, t *attest.Task) error {
	if err := attest.ValidateTask(t); err != nil {
		return err
	}
	if err := q.checkTaskLinks(ctx, t); err != nil {
		return err
	}
	now := q.now()
	t.CreatedAt, t.UpdatedAt = now, now
	if t.Closed() {
		t.CompletedAt = now
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO tasks (org_id, title, description, owner_id, due_on, priority, status, control_id,
requirement, created_by, created_at, updated_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		t.OrgID, t.Title, t.Description, nullID(t.OwnerID), nullString(t.DueOn), t.Priority, t.Status, nullID(t.ControlID),
		t.Requirement, nullID(t.CreatedBy), now, now, nullTime(t.CompletedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create task: %w", err)
	}
	return nil
}

// Task returns one of the organization's tasks.
func (q *Queries) Task(ctx context.Context, orgID, id int64) (attest.Task, error) {
	var t attest.Task
	err := scanTask(q.q.QueryRowContext(ctx, `SELECT `+taskColumns+taskFrom+`WHERE t.org_id = $1 AND t.id = $2`, orgID, id), &t)
	return t, notFound(err, "task")
}

// UpdateTask saves a task's fields; closing it records when.
func (q *Queries) UpdateTask(ctx context.Context, t *attest.Task) error {
	if err := attest.ValidateTask(t); err != nil {
		return err
	}
	if err := q.checkTaskLinks(ctx, t); err != nil {
		return err
	}
	now := q.now()
	t.UpdatedAt = now
	switch {
	case t.Closed() && t.CompletedAt.IsZero():
		t.CompletedAt = now
	case !t.Closed():
		t.CompletedAt = time.Time{}
	}
	res, err := q.q.ExecContext(ctx, `UPDATE tasks SET title = $1, description = $2, owner_id = $3, due_on = $4, priority = $5, status = $6,
control_id = $7, requirement = $8, updated_at = $9, completed_at = $10 WHERE org_id = $11 AND id = $12`,
		t.Title, t.Description, nullID(t.OwnerID), nullString(t.DueOn), t.Priority, t.Status, nullID(t.ControlID), t.Requirement,
		now, nullTime(t.CompletedAt), t.OrgID, t.ID)
	if err != nil {
		return fmt.Errorf("update task: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	return nil
}

// TaskFilter narrows a task listing.
type TaskFilter struct {
	OwnerID     int64
	ControlID   int64
	Requirement string
	OpenOnly    bool
	OverdueOn   string // YYYY-MM-DD from attest.Today: only open tasks due before it (attest.Task.OverdueOn in SQL)
	// Visibility narrows the list to what a principal may see
	// (attest.Principal.Visibility(attest.RecordTask)); zero does not narrow.
	Visibility attest.Visibility
}

// Tasks lists tasks: open ones first by due date (undated last), then closed.
func (q *Queries) Tasks(ctx context.Context, orgID int64, f TaskFilter) ([]attest.Task, error) {
	where := `WHERE t.org_id = $1`
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(cond, len(args))
	}
	if f.OwnerID != 0 {
		add(` AND t.owner_id = $%d`, f.OwnerID)
	}
	if v := f.Visibility; v != (attest.Visibility{}) {
		if v.None {
			return nil, nil
		}
		add(` AND t.org_id = $%d`, v.OrgID)
		if v.OwnerID != 0 {
			add(` AND t.owner_id = $%d`, v.OwnerID)
		}
	}
	if f.ControlID != 0 {
		add(` AND t.control_id = $%d`, f.ControlID)
	}
	if f.Requirement != "" {
		add(` AND t.requirement = $%d`, f.Requirement)
	}
	if f.OpenOnly || f.OverdueOn != "" {
		where += ` AND t.status IN ('open', 'in_progress')`
	}
	if f.OverdueOn != "" {
		add(` AND t.due_on IS NOT NULL AND t.due_on < $%d`, f.OverdueOn)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+taskColumns+taskFrom+where+`
ORDER BY CASE WHEN t.status IN ('open', 'in_progress') THEN 0 ELSE 1 END, CASE WHEN t.due_on IS NULL THEN 1 ELSE 0 END, t.due_on, t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
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
