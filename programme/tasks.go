package programme

import (
	"context"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/store"
)

// Tasks reads and changes remediation tasks. Reads apply the principal's
// visibility: an employee sees only their own tasks, in lists and one by one.
type Tasks struct {
	DB      Transactor // *store.DB
	Catalog *catalog.Catalog
}

// List returns the tasks f selects that p may see.
func (s Tasks) List(ctx context.Context, p attest.Principal, f store.TaskFilter) ([]attest.Task, error) {
	f.Visibility = p.Visibility(attest.RecordTask)
	var out []attest.Task
	err := view(ctx, s.DB, func(tx *store.Queries) error {
		var err error
		out, err = tx.Tasks(ctx, p.OrgID, f)
		return err
	})
	return out, err
}

// Get returns task id; one p may not see is ENOTFOUND, exactly as a missing one.
func (s Tasks) Get(ctx context.Context, p attest.Principal, id int64) (attest.Task, error) {
	var t attest.Task
	err := view(ctx, s.DB, func(tx *store.Queries) error {
		var err error
		t, err = visibleTask(ctx, tx, p, id)
		return err
	})
	return t, err
}

func visibleTask(ctx context.Context, tx *store.Queries, p attest.Principal, id int64) (attest.Task, error) {
	t, err := tx.Task(ctx, p.OrgID, id)
	if err != nil {
		return attest.Task{}, err
	}
	if !p.Visibility(attest.RecordTask).Admits(t.OrgID, t.OwnerID) {
		return attest.Task{}, attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	return t, nil
}

// Create adds a task, standing alone or linked to a control or a SOC 2
// criterion (an unknown criterion is EINVALID on "requirement"; the API calls
// that field "criterion").
func (s Tasks) Create(ctx context.Context, p attest.Principal, t attest.Task) (attest.Task, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return t, err
	}
	t.ID, t.OrgID, t.CreatedBy = 0, p.OrgID, p.UserID
	t.Description, t.Requirement = strings.TrimSpace(t.Description), strings.TrimSpace(t.Requirement)
	if t.Requirement != "" {
		if err := s.Catalog.SOC2().Criterion("requirement", t.Requirement); err != nil {
			return t, err
		}
	}
	if err := attest.ValidateTask(&t); err != nil {
		return t, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := checkOwner(ctx, tx, p.OrgID, t.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.CreateTask(ctx, &t); err != nil {
			return err
		}
		// Reloaded, the task has its owner's and control's names for the entry.
		var err error
		if t, err = tx.Task(ctx, p.OrgID, t.ID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("task.created", "task", idString(t.ID), taskSummary("Created task", t)))
	})
	return t, err
}

// Update saves every editable field of task t.ID (title, description, owner,
// due date, priority, control, criterion; status unless empty).
func (s Tasks) Update(ctx context.Context, p attest.Principal, t attest.Task) (attest.Task, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return t, err
	}
	var out attest.Task
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		before, err := visibleTask(ctx, tx, p, t.ID)
		if err != nil {
			return err
		}
		out = before
		out.Title, out.Description, out.OwnerID, out.DueOn, out.Priority = t.Title, strings.TrimSpace(t.Description), t.OwnerID, t.DueOn, t.Priority
		out.ControlID, out.Requirement = t.ControlID, strings.TrimSpace(t.Requirement)
		if t.Status != "" {
			out.Status = t.Status
		}
		if out.Requirement != "" && out.Requirement != before.Requirement {
			if err := s.Catalog.SOC2().Criterion("requirement", out.Requirement); err != nil {
				return err
			}
		}
		if err := attest.ValidateTask(&out); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, p.OrgID, out.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.UpdateTask(ctx, &out); err != nil {
			return err
		}
		if out, err = tx.Task(ctx, p.OrgID, out.ID); err != nil {
			return err
		}
		summary := taskSummary("Updated task", out)
		if before.Status != out.Status {
			summary += fmt.Sprintf("; status %s → %s", before.Status, out.Status)
		}
		return tx.Log(ctx, p.Record("task.updated", "task", idString(out.ID), summary))
	})
	return out, err
}

// Progress changes only task id's status: what an employee does with work
// assigned to them (attest.Principal.MayProgressTask). A task p may not see
// is ENOTFOUND; one p may see but not progress is EFORBIDDEN.
func (s Tasks) Progress(ctx context.Context, p attest.Principal, id int64, status string) (attest.Task, error) {
	var t attest.Task
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if t, err = visibleTask(ctx, tx, p, id); err != nil {
			return err
		}
		if !p.MayProgressTask(t) {
			return attest.Errorf(attest.EFORBIDDEN, "Only the task's owner or a manager can change its status.")
		}
		before := t.Status
		t.Status = status
		if err := attest.ValidateTask(&t); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, p.OrgID, t.OwnerID, "owner"); err != nil {
			return err
		}
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		if err := tx.Log(ctx, p.Record("task.status_changed", "task", idString(t.ID), fmt.Sprintf("“%s”: %s → %s", t.Title, before, t.Status))); err != nil {
			return err
		}
		t, err = tx.Task(ctx, p.OrgID, id)
		return err
	})
	return t, err
}

func taskSummary(verb string, t attest.Task) string {
	s := verb + " “" + t.Title + "”"
	if t.OwnerName != "" {
		s += " for " + t.OwnerName
	}
	if t.DueOn != "" {
		s += ", due " + t.DueOn
	}
	if t.Requirement != "" {
		s += " (criterion " + t.Requirement + ")"
	}
	return s
}
