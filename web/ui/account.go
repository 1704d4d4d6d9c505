package ui

import "github.com/attest-hq/attest/web"

// accountRoutes are the routes of this area, with the access each needs.
func (h *Handler) accountRoutes() []web.Route {
	return []web.Route{
		route("GET", "/{$}", web.SignedIn, h.home),
		route("GET", "/account", web.SignedIn, h.accountPage),
		route("POST", "/account/password", web.SignedIn, h.changePassword),
	}
}
