package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// comingRoutes are the areas that later capabilities fill: each says what will come.
func (h *Handler) comingRoutes() []web.Route {
	var routes []web.Route
	for _, a := range web.Areas {
		routes = append(routes, route("GET", "/o/{org}/"+a.Slug, web.Read, h.areaPage(a.Slug)))
	}
	return routes
}

// areaPage renders a section that a later capability fills, saying what will come.
func (h *Handler) areaPage(slug string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
		for _, a := range web.Areas {
			if a.Slug == slug {
				h.Render(w, r, c, http.StatusOK, "area", a)
				return nil
			}
		}
		return attest.Errorf(attest.ENOTFOUND, "no area %q", slug)
	}
}
