package api

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiIncidents lists the register: ?severity=sev1…sev4, ?status=…, ?open=1.
func (h *Handler) apiIncidents(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	list, err := h.Incidents.List(r.Context(), c.P, store.IncidentFilter{Severity: q.Get("severity"), Status: q.Get("status"), Open: q.Get("open") == "1"})
	if err != nil {
		return err
	}
	out := make([]incidentJSON, 0, len(list))
	for _, in := range list {
		out = append(out, toIncidentJSON(in))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"incidents": out})
	return nil
}
