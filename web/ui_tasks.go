package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

type tasksView struct {
	Tasks      []attest.Task
	Query      url.Values
	Members    []attest.Membership
	Controls   []attest.Control
	Today      string
	Priorities []string
	Statuses   []string
	OnlyMine   bool // the caller sees only their own tasks
}

// tasksPage lists remediation tasks. Employees see their own; readers see all,
// filterable to their own, open or overdue ones.
func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	return s.renderTasks(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderTasks(w http.ResponseWriter, r *http.Request, c *Ctx, status int, f *form) error {
	ctx := r.Context()
	q := r.URL.Query()
	today := s.cfg.Now().UTC().Format("2006-01-02")
	v := tasksView{Query: q, Today: today, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses(), OnlyMine: !c.Can(attest.ActRead)}
	filter := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if v.OnlyMine || q.Get("owner") == "me" {
		filter.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "1" {
		filter.OverdueOn = today
	}
	var err error
	if v.Tasks, err = s.cfg.DB.Tasks(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	if c.Can(attest.ActEdit) {
		if v.Members, err = s.cfg.DB.Members(ctx, c.Org.ID); err != nil {
			return err
		}
		if v.Controls, err = s.cfg.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
			return err
		}
	}
	if f == nil {
		f = &form{Values: map[string]string{"priority": "medium"}, Errors: map[string]string{}}
	}
	s.renderForm(w, r, c, status, "tasks", v, f)
	return nil
}

// taskFromForm reads a task's fields from a form.
func taskFromForm(r *http.Request, t *attest.Task) *form {
	f := newForm(r, "title", "description", "owner", "due_on", "priority", "status", "control", "requirement", "return")
	t.Title, t.Description, t.DueOn, t.Priority = f.Values["title"], strings.TrimSpace(f.Values["description"]), f.Values["due_on"], f.Values["priority"]
	if st := f.Values["status"]; st != "" {
		t.Status = st
	}
	t.OwnerID, _ = strconv.ParseInt(f.Values["owner"], 10, 64)
	t.ControlID, _ = strconv.ParseInt(f.Values["control"], 10, 64)
	t.Requirement = strings.TrimSpace(f.Values["requirement"])
	return f
}

// createTask adds a task, standing alone or from a gap (a control or criterion).
func (s *Server) createTask(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	t := attest.Task{OrgID: c.Org.ID, CreatedBy: c.User.ID}
	f := taskFromForm(r, &t)
	ctx := r.Context()
	var err error
	if t.Requirement != "" {
		if _, ok := s.cfg.Catalog.SOC2().Requirement(t.Requirement); !ok {
			err = attest.Invalid("requirement", "%q is not a SOC 2 criterion", t.Requirement)
		}
	}
	if err == nil {
		err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.CreateTask(ctx, &t); err != nil {
				return err
			}
			return tx.Log(ctx, c.Actor.Record(c.Org.ID, "task.created", "task", idString(t.ID), taskSummary("Created task", t)))
		})
	}
	back := safeNext(f.Values["return"])
	if back == "/" {
		back = "/o/" + c.Org.Slug + "/tasks"
	}
	if userError(err) {
		// The form may sit on another page (a control, a criterion); report there.
		if back != "/o/"+c.Org.Slug+"/tasks" {
			s.setFlash(w, "error", "The task was not created: "+attest.ErrorMessage(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		f.fail(err)
		return s.renderTasks(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, back, "Task created: "+t.Title)
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

func (s *Server) loadTask(r *http.Request, c *Ctx) (attest.Task, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Task{}, attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	t, err := s.cfg.DB.Task(r.Context(), c.Org.ID, id)
	if err != nil {
		return t, err
	}
	// Someone else's task is as invisible to an employee as a missing one.
	if !c.maySeeTask(t) {
		return attest.Task{}, attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	return t, nil
}

type taskView struct {
	Task       attest.Task
	Members    []attest.Membership
	Controls   []attest.Control
	Priorities []string
	Statuses   []string
	Today      string
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	t, err := s.loadTask(r, c)
	if err != nil {
		return err
	}
	return s.renderTask(w, r, c, http.StatusOK, t, nil)
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, c *Ctx, status int, t attest.Task, f *form) error {
	ctx := r.Context()
	v := taskView{Task: t, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses(), Today: s.cfg.Now().UTC().Format("2006-01-02")}
	var err error
	if c.Can(attest.ActEdit) {
		if v.Members, err = s.cfg.DB.Members(ctx, c.Org.ID); err != nil {
			return err
		}
		if v.Controls, err = s.cfg.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
			return err
		}
	}
	if f == nil {
		f = &form{Errors: map[string]string{}, Values: map[string]string{"title": t.Title, "description": t.Description, "owner": idOrEmpty(t.OwnerID),
			"due_on": t.DueOn, "priority": t.Priority, "status": t.Status, "control": idOrEmpty(t.ControlID), "requirement": t.Requirement}}
	}
	s.renderForm(w, r, c, status, "task", v, f)
	return nil
}

// updateTask saves every field of a task (managers and admins).
func (s *Server) updateTask(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	before, err := s.loadTask(r, c)
	if err != nil {
		return err
	}
	t := before
	f := taskFromForm(r, &t)
	ctx := r.Context()
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		summary := taskSummary("Updated task", t)
		if before.Status != t.Status {
			summary += fmt.Sprintf("; status %s → %s", before.Status, t.Status)
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "task.updated", "task", idString(t.ID), summary))
	})
	if userError(err) {
		f.fail(err)
		return s.renderTask(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID), "Task saved.")
}

// progressTask changes only a task's status: what an employee does with the
// work assigned to them.
func (s *Server) progressTask(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	t, err := s.loadTask(r, c)
	if err != nil {
		return err
	}
	if !c.mayProgressTask(t) {
		return attest.Errorf(attest.EFORBIDDEN, "Only the task's owner or a manager can change its status.")
	}
	before := t.Status
	t.Status = r.PostFormValue("status")
	ctx := r.Context()
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "task.status_changed", "task", idString(t.ID), fmt.Sprintf("“%s”: %s → %s", t.Title, before, t.Status)))
	})
	if err != nil {
		return err
	}
	back := safeNext(r.PostFormValue("return"))
	if back == "/" {
		back = fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID)
	}
	return s.redirect(w, r, back, "“"+t.Title+"” is now "+strings.ReplaceAll(t.Status, "_", " ")+".")
}
