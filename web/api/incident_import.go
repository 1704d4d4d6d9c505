package api

import (
	"mime"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

// apiImportIncidents adds the incidents of a CSV body (Content-Type:
// text/csv), all or nothing; a refused file is 422 naming its line and field.
func (h *Handler) apiImportIncidents(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the CSV file as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	if r.ContentLength > incident.MaxImportSize {
		return attest.Invalid("file", "is larger than %d MiB", incident.MaxImportSize>>20)
	}
	rep, err := h.Incidents.Import(r.Context(), c.P, r.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}
