package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiReadiness(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, programme.NewReport(c.Org.Slug, a, h.Now()))
	return nil
}

func (h *Handler) controlStates(r *http.Request, c *web.Ctx) (map[int64]string, error) {
	a, err := programme.Assess(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return nil, err
	}
	states := map[int64]string{}
	for _, cr := range a.Controls {
		states[cr.ID] = cr.State
	}
	return states, nil
}

func (h *Handler) apiControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	controls, err := h.DB.Controls(r.Context(), c.Org.ID, store.ControlFilter{Status: q.Get("status"), Family: q.Get("family"), IncludeRetired: q.Get("retired") == "true"})
	if err != nil {
		return err
	}
	states, err := h.controlStates(r, c)
	if err != nil {
		return err
	}
	out := make([]web.ControlJSON, 0, len(controls))
	for _, ctl := range controls {
		out = append(out, web.ToControlJSON(ctl, states[ctl.ID]))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"controls": out})
	return nil
}

func (h *Handler) apiControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	states, err := h.controlStates(r, c)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ToControlJSON(ctl, states[ctl.ID]))
	return nil
}

// apiUpdateControl changes a control's status, owner or justification; fields
// left out keep their values.
func (h *Handler) apiUpdateControl(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	var in struct {
		Status        *string `json:"status"`
		OwnerID       *int64  `json:"owner_id"`
		Justification *string `json:"justification"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	ctl := before
	if in.Status != nil {
		ctl.Status = *in.Status
	}
	if in.OwnerID != nil {
		ctl.OwnerID = *in.OwnerID
	}
	if in.Justification != nil {
		ctl.Justification = *in.Justification
	}
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateControl(ctx, &ctl); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("control.updated", "control", ctl.Ref, web.DescribeControlChange(before, ctl)))
	})
	if err != nil {
		return err
	}
	return h.apiControl(w, r, c)
}

type taskJSON struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	OwnerID     int64  `json:"owner_id,omitempty"`
	Owner       string `json:"owner,omitempty"`
	DueOn       string `json:"due_on,omitempty"`
	Priority    string `json:"priority"`
	Status      string `json:"status"`
	Overdue     bool   `json:"overdue"`
	ControlID   int64  `json:"control_id,omitempty"`
	ControlRef  string `json:"control_ref,omitempty"`
	Criterion   string `json:"criterion,omitempty"`
	CreatedAt   string `json:"created_at"`
}

func toTaskJSON(t attest.Task, today string) taskJSON {
	return taskJSON{ID: t.ID, Title: t.Title, Description: t.Description, OwnerID: t.OwnerID, Owner: t.OwnerName, DueOn: t.DueOn,
		Priority: t.Priority, Status: t.Status, Overdue: !t.Closed() && t.DueOn != "" && t.DueOn < today, ControlID: t.ControlID,
		ControlRef: t.ControlRef, Criterion: t.Requirement, CreatedAt: web.RFC3339(t.CreatedAt)}
}

// apiTasks lists tasks: an employee's own, or everyone's for readers.
func (h *Handler) apiTasks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	today := h.Now().UTC().Format("2006-01-02")
	f := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if q.Get("owner") == "me" {
		f.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "true" {
		f.OverdueOn = today
	}
	f, err := web.VisibleTasks(c, f)
	if err != nil {
		return err
	}
	tasks, err := h.DB.Tasks(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]taskJSON, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, toTaskJSON(t, today))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tasks": out})
	return nil
}

func (h *Handler) apiCreateTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		OwnerID     int64  `json:"owner_id"`
		DueOn       string `json:"due_on"`
		Priority    string `json:"priority"`
		ControlID   int64  `json:"control_id"`
		Criterion   string `json:"criterion"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Criterion != "" {
		if _, ok := h.Catalog.SOC2().Requirement(in.Criterion); !ok {
			return attest.Invalid("criterion", "%q is not a SOC 2 criterion", in.Criterion)
		}
	}
	t := attest.Task{OrgID: c.Org.ID, Title: in.Title, Description: in.Description, OwnerID: in.OwnerID, DueOn: in.DueOn, Priority: in.Priority,
		ControlID: in.ControlID, Requirement: in.Criterion, CreatedBy: c.User.ID}
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("task.created", "task", idString(t.ID), web.TaskSummary("Created task", t)))
	})
	if err != nil {
		return err
	}
	t, err = h.DB.Task(ctx, c.Org.ID, t.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toTaskJSON(t, h.Now().UTC().Format("2006-01-02")))
	return nil
}
