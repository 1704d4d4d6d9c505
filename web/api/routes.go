// Package api serves Attest's JSON API under /api/v1: one file per endpoint,
// and per area a file (such as controls.go) with the area's routes, the access
// each needs, and its wire types. openapi.json documents every route; a test
// keeps the two in step.
package api

import (
	"strconv"

	"github.com/attest-hq/attest/web"
)

// Prefix is where the API is served.
const Prefix = "/api/v1"

// Handler holds what API endpoints use: the web kit and the application's services.
type Handler struct {
	*web.Server
	web.Services
}

// Routes is the API's route table, for web.New: every area's routes.
func Routes(s *web.Server) []web.Route {
	h := &Handler{Server: s, Services: s.Services()}
	var routes []web.Route
	for _, area := range [][]web.Route{
		h.metaRoutes(), h.orgRoutes(), h.controlRoutes(), h.taskRoutes(), h.evidenceRoutes(),
	} {
		routes = append(routes, area...)
	}
	return routes
}

// route declares an endpoint (path relative to Prefix) with the access it needs.
func route(method, path string, access web.Access, handle web.HandlerFunc) web.Route {
	return web.Route{Method: method, Path: Prefix + path, Access: access, API: true, Handle: handle}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func (h *Handler) metaRoutes() []web.Route {
	return []web.Route{
		route("GET", "/openapi.json", web.Public, h.openAPI),
		route("GET", "/me", web.SignedIn, h.apiMe),
	}
}

func (h *Handler) orgRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}", web.Own, h.apiOrg),
		route("GET", "/orgs/{org}/members", web.Admin, h.apiMembers),
		route("POST", "/orgs/{org}/invitations", web.Admin, h.apiInvite),
		route("GET", "/orgs/{org}/activity", web.Admin, h.apiActivity),
	}
}

func (h *Handler) controlRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/readiness", web.Read, h.apiReadiness),
		route("GET", "/orgs/{org}/controls", web.Read, h.apiControls),
		route("GET", "/orgs/{org}/controls/{id}", web.Read, h.apiControl),
		route("PATCH", "/orgs/{org}/controls/{id}", web.Edit, h.apiUpdateControl),
	}
}

func (h *Handler) taskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/tasks", web.Own, h.apiTasks),
		route("POST", "/orgs/{org}/tasks", web.Edit, h.apiCreateTask),
	}
}

func (h *Handler) evidenceRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/evidence", web.Read, h.apiEvidenceList),
		route("POST", "/orgs/{org}/evidence", web.Edit, h.apiAddEvidence),
		route("GET", "/orgs/{org}/evidence/{id}", web.Read, h.apiEvidence),
		route("GET", "/orgs/{org}/evidence/{id}/content", web.Read, h.EvidenceContent),
	}
}
