package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// controlRoutes are the routes of this area, with the access each needs.
func (h *Handler) controlRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/readiness", web.Read, h.apiReadiness).Kept(web.KeepAlways),
		route("GET", "/orgs/{org}/controls", web.Read, h.apiControls),
		route("GET", "/orgs/{org}/controls/{id}", web.Own, h.apiControl), // an employee only the controls they own
		route("PATCH", "/orgs/{org}/controls/{id}", web.Edit, h.apiUpdateControl),
		route("POST", "/orgs/{org}/controls/{id}/mappings", web.Edit, h.apiMapControl),
		route("PUT", "/orgs/{org}/controls/{id}/mappings", web.Edit, h.apiRetypeMapping),
		route("DELETE", "/orgs/{org}/controls/{id}/mappings", web.Edit, h.apiUnmapControl),
	}
}

func (h *Handler) controlStates(r *http.Request, c *web.Ctx) (map[int64]string, error) {
	a, err := h.Readiness.Assess(r.Context(), c.Org.ID)
	if err != nil {
		return nil, err
	}
	states := map[int64]string{}
	for _, cr := range a.Controls {
		states[cr.ID] = cr.State
	}
	return states, nil
}
