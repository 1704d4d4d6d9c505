package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// oscalRoutes: the programme as OSCAL documents.
func (h *Handler) oscalRoutes() []web.Route {
	return []web.Route{route("GET", "/orgs/{org}/oscal/{document}", web.Read, h.apiOSCAL),
		route("GET", "/orgs/{org}/audit-package", web.Read, h.AuditExport)}
}

// apiOSCAL answers component-definition or assessment-results for
// ?framework= (SOC 2 when empty); results cover ?from=&to=.
func (h *Handler) apiOSCAL(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	b, err := h.OSCAL.Document(r.Context(), c.P, r.PathValue("document"), q.Get("framework"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}
