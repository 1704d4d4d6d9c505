package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// exportOSCAL downloads the programme as an OSCAL document:
// /oscal/component-definition or /oscal/assessment-results, for
// ?framework= (SOC 2 when empty), results over ?from=&to=.
func (h *Handler) exportOSCAL(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	kind := r.PathValue("document")
	b, err := h.OSCAL.Document(r.Context(), c.P, kind, q.Get("framework"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	h.attachment(w, c, "oscal-"+kind, "json")
	_, err = w.Write(b)
	return err
}
