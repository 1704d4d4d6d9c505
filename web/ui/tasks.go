package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// taskRoutes are the routes of this area, with the access each needs.
func (h *Handler) taskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/tasks", web.Own, h.tasksPage),
		route("POST", "/o/{org}/tasks", web.Edit, h.createTask),
		route("GET", "/o/{org}/tasks/{id}", web.Own, h.taskPage),
		route("POST", "/o/{org}/tasks/{id}", web.Edit, h.updateTask),
		route("POST", "/o/{org}/tasks/{id}/status", web.Work, h.progressTask),
	}
}

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

func (h *Handler) renderTasks(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	today := attest.Today(h.Now())
	v := tasksView{Query: q, Today: today, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses()}
	filter := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if q.Get("owner") == "me" {
		filter.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "1" {
		filter.OverdueOn = today
	}
	v.OnlyMine = c.P.Visibility(attest.RecordTask).OwnerID != 0
	var err error
	if v.Tasks, err = h.Tasks.List(ctx, c.P, filter); err != nil {
		return err
	}
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
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

func (h *Handler) loadTask(r *http.Request, c *web.Ctx) (attest.Task, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Task{}, attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	// Someone else's task is as invisible to an employee as a missing one.
	return h.Tasks.Get(r.Context(), c.P, id)
}

type taskView struct {
	Task       attest.Task
	Members    []attest.Membership
	Controls   []attest.Control
	Priorities []string
	Statuses   []string
	Today      string
	// What the task needs, shown to its owner whatever their role: the
	// criterion's title as read-only guidance, and a link to the control
	// only when attest.RecordControl lets the caller open it.
	CriterionTitle string
	ControlVisible bool
}

func (h *Handler) renderTask(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, t attest.Task, f *web.Form) error {
	ctx := r.Context()
	v := taskView{Task: t, Priorities: attest.TaskPriorities(), Statuses: attest.TaskStatuses(), Today: attest.Today(h.Now())}
	if req, ok := h.Catalog.SOC2().Requirement(t.Requirement); ok {
		v.CriterionTitle = req.Title
	}
	if t.ControlID != 0 {
		if ctl, err := h.DB.Control(ctx, c.Org.ID, t.ControlID); err == nil {
			v.ControlVisible = c.P.Visibility(attest.RecordControl).Admits(ctl.OrgID, ctl.OwnerID)
		}
	}
	var err error
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
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
