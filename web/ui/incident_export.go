package ui

import (
	"bytes"
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// exportIncidents downloads the register, as filtered, as CSV.
func (h *Handler) exportIncidents(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := h.Incidents.ExportCSV(r.Context(), c.P, store.IncidentFilter{Severity: q.Get("severity"), Status: q.Get("status")}, &buf); err != nil {
		return err
	}
	h.attachment(w, c, "incidents", "csv")
	_, err := w.Write(buf.Bytes())
	return err
}
