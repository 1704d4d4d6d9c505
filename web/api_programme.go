package web

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

func (s *Server) apiReadiness(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	a, err := programme.Assess(r.Context(), &s.cfg.DB.Queries, s.cfg.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programme.NewReport(c.Org.Slug, a, s.cfg.Now()))
	return nil
}

func (s *Server) controlStates(r *http.Request, c *Ctx) (map[int64]string, error) {
	a, err := programme.Assess(r.Context(), &s.cfg.DB.Queries, s.cfg.Catalog, c.Org.ID)
	if err != nil {
		return nil, err
	}
	states := map[int64]string{}
	for _, cr := range a.Controls {
		states[cr.ID] = cr.State
	}
	return states, nil
}

func (s *Server) apiControls(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	controls, err := s.cfg.DB.Controls(r.Context(), c.Org.ID, store.ControlFilter{Status: q.Get("status"), Family: q.Get("family"), IncludeRetired: q.Get("retired") == "true"})
	if err != nil {
		return err
	}
	states, err := s.controlStates(r, c)
	if err != nil {
		return err
	}
	out := make([]controlJSON, 0, len(controls))
	for _, ctl := range controls {
		out = append(out, toControlJSON(ctl, states[ctl.ID]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"controls": out})
	return nil
}

func (s *Server) apiControl(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ctl, err := s.loadControl(r, c)
	if err != nil {
		return err
	}
	states, err := s.controlStates(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toControlJSON(ctl, states[ctl.ID]))
	return nil
}

// apiUpdateControl changes a control's status, owner or justification; fields
// left out keep their values.
func (s *Server) apiUpdateControl(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	before, err := s.loadControl(r, c)
	if err != nil {
		return err
	}
	var in struct {
		Status        *string `json:"status"`
		OwnerID       *int64  `json:"owner_id"`
		Justification *string `json:"justification"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
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
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateControl(ctx, &ctl); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "control.updated", "control", ctl.Ref, describeControlChange(before, ctl)))
	})
	if err != nil {
		return err
	}
	return s.apiControl(w, r, c)
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
		ControlRef: t.ControlRef, Criterion: t.Requirement, CreatedAt: rfc3339(t.CreatedAt)}
}

// apiTasks lists tasks: an employee's own, or everyone's for readers.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	today := s.cfg.Now().UTC().Format("2006-01-02")
	f := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if !c.Can(attest.ActRead) || q.Get("owner") == "me" {
		f.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "true" {
		f.OverdueOn = today
	}
	tasks, err := s.cfg.DB.Tasks(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]taskJSON, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, toTaskJSON(t, today))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
	return nil
}

func (s *Server) apiCreateTask(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	var in struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		OwnerID     int64  `json:"owner_id"`
		DueOn       string `json:"due_on"`
		Priority    string `json:"priority"`
		ControlID   int64  `json:"control_id"`
		Criterion   string `json:"criterion"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Criterion != "" {
		if _, ok := s.cfg.Catalog.SOC2().Requirement(in.Criterion); !ok {
			return attest.Invalid("criterion", "%q is not a SOC 2 criterion", in.Criterion)
		}
	}
	t := attest.Task{OrgID: c.Org.ID, Title: in.Title, Description: in.Description, OwnerID: in.OwnerID, DueOn: in.DueOn, Priority: in.Priority,
		ControlID: in.ControlID, Requirement: in.Criterion, CreatedBy: c.User.ID}
	ctx := r.Context()
	err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "task.created", "task", idString(t.ID), taskSummary("Created task", t)))
	})
	if err != nil {
		return err
	}
	t, err = s.cfg.DB.Task(ctx, c.Org.ID, t.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toTaskJSON(t, s.cfg.Now().UTC().Format("2006-01-02")))
	return nil
}
