// Package api serves Attest's JSON API under /api/v1: one file per endpoint,
// and per area a file (such as controls.go) with the area's routes, the access
// each needs, and its wire types. openapi.json documents every route; a test
// keeps the two in step.
package api

import (
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
func Routes(s *web.Server) ([]web.Route, error) {
	h := &Handler{Server: s, Services: s.Services()}
	var routes []web.Route
	for _, area := range [][]web.Route{
		h.metaRoutes(), h.orgRoutes(), h.notificationRoutes(), h.rosterRoutes(), h.checklistRoutes(), h.draftRoutes(), h.oscalRoutes(), h.changeRoutes(), h.controlRoutes(), h.scopeRoutes(), h.taskRoutes(), h.evidenceRoutes(), h.monitoringRoutes(), h.connectionRoutes(),
		h.peopleRoutes(), h.auditRoutes(),
		h.policyRoutes(),
		h.riskRoutes(),
		h.vendorRoutes(),
		h.trainingRoutes(),
		h.accessReviewRoutes(),
		h.incidentRoutes(),
		h.auditPopulationRoutes(), h.auditRequestRoutes(),
	} {
		routes = append(routes, area...)
	}
	return routes, nil
}

// route declares an endpoint (path relative to Prefix) with the access it needs.
func route(method, path string, access web.Access, handle web.HandlerFunc) web.Route {
	return web.Route{Method: method, Path: Prefix + path, Access: access, API: true, Handle: handle}
}
