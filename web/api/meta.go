package api

import "github.com/attest-hq/attest/web"

// metaRoutes are the routes of this area, with the access each needs.
func (h *Handler) metaRoutes() []web.Route {
	return []web.Route{
		route("GET", "/openapi.json", web.Public, h.openAPI),
		route("GET", "/me", web.SignedIn, h.apiMe),
	}
}
