package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// addIncidentAction opens a corrective action: a task linked to the incident.
func (h *Handler) addIncidentAction(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	t, f := actionFromForm(r)
	_, err = h.Incidents.AddAction(r.Context(), c.P, id, t)
	if web.UserError(err) {
		failForm(f, err)
		return h.renderIncident(w, r, c, http.StatusUnprocessableEntity, nil, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/incidents/"+r.PathValue("id")+"#actions", "Corrective action opened as a task.")
}
