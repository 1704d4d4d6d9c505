package ui

import (
	"html/template"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

type incidentView struct {
	incident.Detail
	PostMortemHTML template.HTML
	Detect         string // time to detect, contain, resolve in words
	Contain        string
	Resolve        string
	Overdue        int // corrective actions overdue
	Incomplete     string
	Severities     []string
	Statuses       []string
	Audiences      []string
	Priorities     []string
	Members        []attest.Membership
	Today          string
	ActionForm     *web.Form
	// The post-mortem document in evidence, when one is attached.
	PostMortemDoc *attest.Evidence
}

// incidentPage shows an incident: timeline, notifications, corrective
// actions, post-mortem and history, with the forms to change them.
func (h *Handler) incidentPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderIncident(w, r, c, http.StatusOK, nil, nil)
}

func (h *Handler) renderIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f, action *web.Form) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	d, err := h.Incidents.Get(ctx, c.P, id)
	if err != nil {
		return err
	}
	v := incidentView{Detail: d, Severities: attest.IncidentSeverities(), Statuses: attest.IncidentStatuses()[:3],
		Audiences: attest.NotificationAudiences(), Priorities: attest.TaskPriorities(), Today: attest.Today(h.Now()), ActionForm: action}
	in := d.Incident
	v.Detect, v.Contain, v.Resolve = spanText(in.TimeToDetect()), spanText(in.TimeToContain()), spanText(in.TimeToResolve())
	v.Overdue, v.Incomplete = len(attest.OverdueActions(d.Actions, v.Today)), in.Incomplete()
	if v.PostMortemHTML, err = postMortemHTML(in.PostMortem); err != nil {
		return err
	}
	if in.PostMortemEvidence != "" {
		if ev, err := h.DB.EvidenceByUID(ctx, c.Org.ID, in.PostMortemEvidence); err == nil {
			v.PostMortemDoc = &ev
		}
	}
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
			return err
		}
	}
	if f == nil {
		f = incidentForm(in)
	}
	if v.ActionForm == nil {
		v.ActionForm = &web.Form{Values: map[string]string{"priority": "high"}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "incident", v, f)
	return nil
}
