// Package ui serves Attest's server-rendered pages: one file per action (such
// as control_save.go), and per area a file (such as controls.go) with the
// area's routes, the access each needs, and what the area's actions share.
package ui

import (
	"strconv"

	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/web"
)

// Handler holds what UI actions use: the web kit (rendering, sessions, flash)
// and the application's services.
type Handler struct {
	*web.Server
	web.Services

	// dummyHash is checked when a login names an unknown email, with the same
	// parameters as real hashes, so a login takes as long whether or not the
	// account exists.
	dummyHash string
}

// Routes is the UI's route table, for web.New: every area's routes.
func Routes(s *web.Server) []web.Route {
	h := &Handler{Server: s, Services: s.Services()}
	var err error
	if h.dummyHash, err = auth.HashPassword(auth.NewSecret(""), h.PasswordParams); err != nil {
		panic("ui: hashing the dummy password: " + err.Error())
	}
	var routes []web.Route
	for _, area := range [][]web.Route{
		h.healthRoutes(), h.sessionRoutes(), h.accountRoutes(), h.dashboardRoutes(), h.tokenRoutes(),
		h.controlRoutes(), h.criteriaRoutes(), h.scopeRoutes(), h.taskRoutes(), h.frameworkRoutes(),
		h.evidenceRoutes(), h.settingsRoutes(), h.activityRoutes(), h.comingRoutes(),
	} {
		routes = append(routes, area...)
	}
	return routes
}

// route declares a page or form action with the access it needs.
func route(method, path string, access web.Access, handle web.HandlerFunc) web.Route {
	return web.Route{Method: method, Path: path, Access: access, Handle: handle}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func (h *Handler) healthRoutes() []web.Route {
	return []web.Route{
		route("GET", "/healthz", web.Public, h.healthz),
		route("GET", "/readyz", web.Public, h.readyz),
	}
}

func (h *Handler) sessionRoutes() []web.Route {
	return []web.Route{
		route("GET", "/login", web.Public, h.loginPage),
		route("POST", "/login", web.Public, h.login),
		route("POST", "/logout", web.SignedIn, h.logout),
		route("GET", "/setup", web.Public, h.setupPage),
		route("POST", "/setup", web.Public, h.setup),
		route("GET", "/invitations/{token}", web.Public, h.invitationPage),
		route("POST", "/invitations/{token}", web.Public, h.acceptInvitation),
	}
}

func (h *Handler) accountRoutes() []web.Route {
	return []web.Route{
		route("GET", "/{$}", web.SignedIn, h.home),
		route("GET", "/account", web.SignedIn, h.accountPage),
		route("POST", "/account/password", web.SignedIn, h.changePassword),
	}
}

func (h *Handler) dashboardRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}", web.Own, h.dashboard),
	}
}

func (h *Handler) tokenRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/tokens", web.Own, h.tokensPage),
		route("POST", "/o/{org}/tokens", web.Own, h.createToken),
		route("POST", "/o/{org}/tokens/{id}/revoke", web.Own, h.revokeToken),
	}
}

func (h *Handler) controlRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/controls", web.Read, h.controlsPage),
		route("POST", "/o/{org}/controls", web.Edit, h.createControl),
		route("GET", "/o/{org}/controls/new", web.Edit, h.newControlPage),
		route("POST", "/o/{org}/controls/adopt", web.Edit, h.adoptLibrary),
		route("GET", "/o/{org}/controls/export", web.Read, h.exportControls),
		route("GET", "/o/{org}/controls/{id}", web.Read, h.controlPage),
		route("POST", "/o/{org}/controls/{id}", web.Edit, h.updateControl),
		route("POST", "/o/{org}/controls/{id}/mappings", web.Edit, h.addMapping),
		route("POST", "/o/{org}/controls/{id}/mappings/remove", web.Edit, h.removeMapping),
		route("POST", "/o/{org}/controls/{id}/retire", web.Edit, h.retireControl(true)),
		route("POST", "/o/{org}/controls/{id}/restore", web.Edit, h.retireControl(false)),
	}
}

func (h *Handler) criteriaRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/criteria", web.Read, h.criteriaPage),
		route("GET", "/o/{org}/criteria/matrix", web.Read, h.matrixPage),
		route("GET", "/o/{org}/criteria/{id}", web.Read, h.criterionPage),
		route("GET", "/o/{org}/readiness/export", web.Read, h.exportReadiness),
	}
}

func (h *Handler) scopeRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/scope", web.Read, h.scopePage),
		route("POST", "/o/{org}/scope", web.Edit, h.saveScope),
		route("GET", "/o/{org}/scope/export", web.Read, h.exportScope),
		route("POST", "/o/{org}/scope/subservices", web.Edit, h.addSubservice),
		route("POST", "/o/{org}/scope/subservices/{id}/delete", web.Edit, h.deleteSubservice),
		route("POST", "/o/{org}/scope/cuecs", web.Edit, h.addCUEC),
		route("POST", "/o/{org}/scope/cuecs/{id}/delete", web.Edit, h.deleteCUEC),
	}
}

func (h *Handler) taskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/tasks", web.Own, h.tasksPage),
		route("POST", "/o/{org}/tasks", web.Edit, h.createTask),
		route("GET", "/o/{org}/tasks/{id}", web.Own, h.taskPage),
		route("POST", "/o/{org}/tasks/{id}", web.Edit, h.updateTask),
		route("POST", "/o/{org}/tasks/{id}/status", web.Work, h.progressTask),
	}
}

func (h *Handler) frameworkRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/frameworks", web.Read, h.frameworksPage),
		route("POST", "/o/{org}/frameworks", web.Edit, h.importFramework),
		route("GET", "/o/{org}/frameworks/{key}", web.Read, h.frameworkPage),
		route("POST", "/o/{org}/frameworks/{key}/delete", web.Edit, h.deleteFramework),
	}
}

func (h *Handler) evidenceRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/evidence", web.Read, h.evidencePage),
		route("POST", "/o/{org}/evidence", web.Edit, h.addEvidence),
		route("GET", "/o/{org}/evidence/export", web.Read, h.exportEvidence),
		route("GET", "/o/{org}/evidence/{id}", web.Read, h.evidenceDetail),
		route("GET", "/o/{org}/evidence/{id}/content", web.Read, h.EvidenceContent),
		route("POST", "/o/{org}/evidence/{id}/supersede", web.Edit, h.supersedeEvidence),
		route("GET", "/o/{org}/coverage", web.Read, h.coveragePage),
	}
}

func (h *Handler) settingsRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/settings", web.Admin, h.settingsPage),
		route("POST", "/o/{org}/settings", web.Admin, h.updateSettings),
		route("POST", "/o/{org}/invitations", web.Admin, h.invite),
		route("POST", "/o/{org}/invitations/{id}/revoke", web.Admin, h.revokeInvitation),
		route("POST", "/o/{org}/members/{user}/role", web.Admin, h.changeRole),
		route("POST", "/o/{org}/members/{user}/remove", web.Admin, h.removeMember),
	}
}

func (h *Handler) activityRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/activity", web.Admin, h.activityPage),
		route("GET", "/o/{org}/activity/export", web.Admin, h.exportActivity),
	}
}

// comingRoutes are the areas that later capabilities fill: each says what will come.
func (h *Handler) comingRoutes() []web.Route {
	var routes []web.Route
	for _, a := range web.Areas {
		routes = append(routes, route("GET", "/o/{org}/"+a.Slug, web.Read, h.areaPage(a.Slug)))
	}
	return routes
}
