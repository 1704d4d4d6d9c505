// Package ui serves Attest's server-rendered pages: one file per action (such
// as control_save.go), and per area a file (such as controls.go) with the
// area's routes, the access each needs, and what the area's actions share.
package ui

import (
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// Handler holds what UI actions use: the web kit (rendering, sessions, flash)
// and the application's services.
type Handler struct {
	*web.Server
	web.Services
	due store.Kept[dueKey, dueList] // the dashboard's register card (registerDue)
}

// Routes is the UI's route table, for web.New: every area's routes.
func Routes(s *web.Server) ([]web.Route, error) {
	h := &Handler{Server: s, Services: s.Services()}
	var routes []web.Route
	for _, area := range [][]web.Route{
		h.healthRoutes(), h.sessionRoutes(), h.accountRoutes(), h.dashboardRoutes(), h.tokenRoutes(),
		h.controlRoutes(), h.criteriaRoutes(), h.scopeRoutes(), h.taskRoutes(), h.frameworkRoutes(),
		h.evidenceRoutes(), h.settingsRoutes(), h.activityRoutes(), h.auditRoutes(), h.connectionRoutes(), h.monitoringRoutes(), h.peopleRoutes(), h.policyRoutes(), h.reloadRoutes(), h.notificationRoutes(), h.rosterRoutes(), h.changeRoutes(), h.riskRoutes(), h.vendorRoutes(), h.incidentRoutes(), h.trainingRoutes(), h.accessReviewRoutes(), h.checklistRoutes(), h.auditPopulationRoutes(), h.auditResultRoutes(), h.auditRequestRoutes(),
	} {
		routes = append(routes, area...)
	}
	return routes, nil
}

// route declares a page or form action with the access it needs.
func route(method, path string, access web.Access, handle web.HandlerFunc) web.Route {
	return web.Route{Method: method, Path: path, Access: access, Handle: handle}
}
