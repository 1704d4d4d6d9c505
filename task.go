package attest

import (
	"slices"
	"strings"
	"time"
)

// Task is remediation work with an owner and a due date, linked to what caused
// it (a control, a criterion's gap) or standing alone.
type Task struct {
	ID          int64
	OrgID       int64
	Title       string
	Description string
	OwnerID     int64 // 0: unassigned
	OwnerName   string
	DueOn       string // YYYY-MM-DD, "" for none
	Priority    string
	Status      string
	ControlID   int64 // 0: none
	ControlRef  string
	Requirement string // criterion whose gap caused it, "" for none
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt time.Time
}

// Task statuses and priorities.
const (
	TaskOpen       = "open"
	TaskInProgress = "in_progress"
	TaskDone       = "done"
	TaskCancelled  = "cancelled"
)

var (
	taskStatuses   = []string{TaskOpen, TaskInProgress, TaskDone, TaskCancelled}
	taskPriorities = []string{"low", "medium", "high", "critical"}
)

// TaskStatuses and TaskPriorities list the allowed values.
func TaskStatuses() []string   { return slices.Clone(taskStatuses) }
func TaskPriorities() []string { return slices.Clone(taskPriorities) }

// Closed reports whether the task needs no more work.
func (t Task) Closed() bool { return t.Status == TaskDone || t.Status == TaskCancelled }

// Overdue reports whether the task is open past its due date (dates in UTC).
func (t Task) Overdue(now time.Time) bool {
	return t.OverdueOn(Today(now))
}

// ValidateTask checks a task's fields.
func ValidateTask(t *Task) error {
	t.Title = strings.TrimSpace(t.Title)
	t.DueOn = strings.TrimSpace(t.DueOn)
	if t.Priority == "" {
		t.Priority = "medium"
	}
	if t.Status == "" {
		t.Status = TaskOpen
	}
	switch {
	case t.Title == "":
		return Invalid("title", "is required")
	case len(t.Title) > 300:
		return Invalid("title", "must be at most 300 characters")
	case !slices.Contains(taskPriorities, t.Priority):
		return Invalid("priority", "must be one of %s (got %q)", strings.Join(taskPriorities, ", "), t.Priority)
	case !slices.Contains(taskStatuses, t.Status):
		return Invalid("status", "must be one of %s (got %q)", strings.Join(taskStatuses, ", "), t.Status)
	}
	if t.DueOn != "" {
		if _, err := time.Parse("2006-01-02", t.DueOn); err != nil {
			return Invalid("due_on", "must be a date such as 2026-03-31 (got %q)", t.DueOn)
		}
		// A plausible working date: 1901-01-01 is a slip of the date picker.
		if t.DueOn < "2000-01-01" || t.DueOn > "2099-12-31" {
			return Invalid("due_on", "must be between 2000-01-01 and 2099-12-31 (got %s)", t.DueOn)
		}
	}
	return nil
}
