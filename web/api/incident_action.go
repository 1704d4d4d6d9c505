package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAddIncidentAction opens a corrective action, a task linked to the incident.
func (h *Handler) apiAddIncidentAction(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "incident")
	if err != nil {
		return err
	}
	var in actionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Incidents.AddAction(r.Context(), c.P, id, in.task())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toTaskJSON(t, attest.Today(h.Now())))
	return nil
}
