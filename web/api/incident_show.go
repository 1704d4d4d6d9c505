package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiIncident returns an incident with its corrective actions and history.
func (h *Handler) apiIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "incident")
	if err != nil {
		return err
	}
	return h.writeIncident(w, r, c, http.StatusOK, id)
}

func (h *Handler) writeIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, id int64) error {
	d, err := h.Incidents.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, status, map[string]any{"incident": toIncidentJSON(d.Incident), "actions": tasksJSON(d.Actions, attest.Today(h.Now())),
		"history": activityJSON(d.History)})
	return nil
}
