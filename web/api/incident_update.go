package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiUpdateIncident replaces an incident's editable fields.
func (h *Handler) apiUpdateIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "incident")
	if err != nil {
		return err
	}
	var in incidentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inc, err := in.incident()
	if err != nil {
		return err
	}
	inc.ID = id
	if _, err = h.Incidents.Update(r.Context(), c.P, inc); err != nil {
		return err
	}
	return h.writeIncident(w, r, c, http.StatusOK, id)
}
