package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiCreateIncident records an incident.
func (h *Handler) apiCreateIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in incidentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inc, err := in.incident()
	if err != nil {
		return err
	}
	if inc, err = h.Incidents.Create(r.Context(), c.P, inc); err != nil {
		return err
	}
	return h.writeIncident(w, r, c, http.StatusCreated, inc.ID)
}
