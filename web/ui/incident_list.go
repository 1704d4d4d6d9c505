package ui

import (
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type incidentsView struct {
	Incidents  []attest.Incident
	Exercises  []attest.Exercise
	Schedule   []incident.Due
	Query      url.Values
	Severities []string
	Statuses   []string
	Kinds      []string
	Formats    []string
	Members    []attest.Membership
	Today      string
	// The exercise form, beside the incident form (Form).
	ExerciseForm *web.Form
	ImportError  string
	Open         int // open incidents listed
}

// incidentsPage lists the register, filtered by severity and status, with
// the exercises and when the next of each kind is due.
func (h *Handler) incidentsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderIncidents(w, r, c, http.StatusOK, incidentsView{}, nil)
}

func (h *Handler) renderIncidents(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v incidentsView, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	v.Query, v.Today = q, attest.Today(h.Now())
	v.Severities, v.Statuses = attest.IncidentSeverities(), attest.IncidentStatuses()
	v.Kinds, v.Formats = attest.ExerciseKinds(), attest.ExerciseFormats()
	filter := store.IncidentFilter{Severity: q.Get("severity"), Status: q.Get("status")}
	var err error
	if v.Incidents, err = h.Incidents.List(ctx, c.P, filter); err != nil {
		return err
	}
	for _, in := range v.Incidents {
		if !in.Resolved() {
			v.Open++
		}
	}
	if v.Exercises, err = h.Incidents.Exercises(ctx, c.P); err != nil {
		return err
	}
	v.Schedule = incident.Schedule(v.Exercises, v.Today)
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"severity": attest.Sev3, "status": attest.IncidentOpen}, Errors: map[string]string{}}
	}
	if v.ExerciseForm == nil {
		v.ExerciseForm = &web.Form{Values: map[string]string{"kind": attest.ExerciseIncidentResponse, "format": attest.ExerciseTabletop}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "incidents", v, f)
	return nil
}
