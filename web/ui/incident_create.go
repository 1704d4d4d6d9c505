package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// createIncident records a new incident from the register page's form.
func (h *Handler) createIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.Incident
	f, err := incidentFromForm(r, &in)
	if err == nil {
		in, err = h.Incidents.Create(r.Context(), c.P, in)
	}
	if web.UserError(err) {
		failForm(f, err)
		return h.renderIncidents(w, r, c, http.StatusUnprocessableEntity, incidentsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/incidents/"+strconv.FormatInt(in.ID, 10), "Incident recorded.")
}
