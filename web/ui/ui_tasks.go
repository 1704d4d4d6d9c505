package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
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
func (h *Handler) tasksPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTasks(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderTasks(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	today := h.Now().UTC().Format("2006-01-02")
	v := tasksView{Query: q, Today: today, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses()}
	filter := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if q.Get("owner") == "me" {
		filter.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "1" {
		filter.OverdueOn = today
	}
	filter, err := web.VisibleTasks(c, filter)
	if err != nil {
		return err
	}
	v.OnlyMine = c.P.Visibility(attest.RecordTask).OwnerID != 0
	if v.Tasks, err = h.DB.Tasks(ctx, c.Org.ID, filter); err != nil {
		return err
	}
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
			return err
		}
		if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"priority": "medium"}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "tasks", v, f)
	return nil
}

// taskFromForm reads a task's fields from a form.
func taskFromForm(r *http.Request, t *attest.Task) *web.Form {
	f := web.NewForm(r, "title", "description", "owner", "due_on", "priority", "status", "control", "requirement", "return")
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
func (h *Handler) createTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t := attest.Task{OrgID: c.Org.ID, CreatedBy: c.User.ID}
	f := taskFromForm(r, &t)
	ctx := r.Context()
	var err error
	if t.Requirement != "" {
		if _, ok := h.Catalog.SOC2().Requirement(t.Requirement); !ok {
			err = attest.Invalid("requirement", "%q is not a SOC 2 criterion", t.Requirement)
		}
	}
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.CreateTask(ctx, &t); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("task.created", "task", idString(t.ID), web.TaskSummary("Created task", t)))
		})
	}
	back := web.SafeNext(f.Values["return"])
	if back == "/" {
		back = "/o/" + c.Org.Slug + "/tasks"
	}
	if web.UserError(err) {
		// The form may sit on another page (a control, a criterion); report there.
		if back != "/o/"+c.Org.Slug+"/tasks" {
			h.SetFlash(w, "error", "The task was not created: "+attest.ErrorMessage(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		f.Fail(err)
		return h.renderTasks(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, "Task created: "+t.Title)
}

func (h *Handler) loadTask(r *http.Request, c *web.Ctx) (attest.Task, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Task{}, attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	t, err := h.DB.Task(r.Context(), c.Org.ID, id)
	if err != nil {
		return t, err
	}
	// Someone else's task is as invisible to an employee as a missing one.
	if !c.P.Visibility(attest.RecordTask).Admits(t.OrgID, t.OwnerID) {
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

func (h *Handler) taskPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	return h.renderTask(w, r, c, http.StatusOK, t, nil)
}

func (h *Handler) renderTask(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, t attest.Task, f *web.Form) error {
	ctx := r.Context()
	v := taskView{Task: t, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses(), Today: h.Now().UTC().Format("2006-01-02")}
	var err error
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.DB.Members(ctx, c.Org.ID); err != nil {
			return err
		}
		if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Errors: map[string]string{}, Values: map[string]string{"title": t.Title, "description": t.Description, "owner": idOrEmpty(t.OwnerID),
			"due_on": t.DueOn, "priority": t.Priority, "status": t.Status, "control": idOrEmpty(t.ControlID), "requirement": t.Requirement}}
	}
	h.RenderForm(w, r, c, status, "task", v, f)
	return nil
}

// updateTask saves every field of a task (managers and admins).
func (h *Handler) updateTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	t := before
	f := taskFromForm(r, &t)
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		summary := web.TaskSummary("Updated task", t)
		if before.Status != t.Status {
			summary += fmt.Sprintf("; status %s → %s", before.Status, t.Status)
		}
		return tx.Log(ctx, c.P.Record("task.updated", "task", idString(t.ID), summary))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTask(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID), "Task saved.")
}

// progressTask changes only a task's status: what an employee does with the
// work assigned to them.
func (h *Handler) progressTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	if !c.P.MayProgressTask(t) {
		return attest.Errorf(attest.EFORBIDDEN, "Only the task's owner or a manager can change its status.")
	}
	before := t.Status
	t.Status = r.PostFormValue("status")
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("task.status_changed", "task", idString(t.ID), fmt.Sprintf("“%s”: %s → %s", t.Title, before, t.Status)))
	})
	if err != nil {
		return err
	}
	back := web.SafeNext(r.PostFormValue("return"))
	if back == "/" {
		back = fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID)
	}
	return h.Redirect(w, r, back, "“"+t.Title+"” is now "+strings.ReplaceAll(t.Status, "_", " ")+".")
}
