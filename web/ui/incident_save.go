package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// saveIncident saves the incident form: timeline, status, what it touched,
// notifications, root cause, lessons and post-mortem.
func (h *Handler) saveIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	in := attest.Incident{ID: id}
	f, err := incidentFromForm(r, &in)
	if err == nil {
		_, err = h.Incidents.Update(r.Context(), c.P, in)
	}
	if web.UserError(err) {
		failForm(f, err)
		return h.renderIncident(w, r, c, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, r.URL.Path, "Incident saved.")
}
