package web

// routeTable is every route Attest serves, with the access each needs. A route
// that is not here does not exist; the authorization test walks this table.
func (s *Server) routeTable() []Route {
	ui := func(method, path string, access Access, h handlerFunc) Route {
		return Route{Method: method, Path: path, Access: access, handle: h}
	}
	api := func(method, path string, access Access, h handlerFunc) Route {
		return Route{Method: method, Path: "/api/v1" + path, Access: access, API: true, handle: h}
	}
	routes := []Route{
		ui("GET", "/healthz", Public, s.healthz),
		ui("GET", "/readyz", Public, s.readyz),

		ui("GET", "/login", Public, s.loginPage),
		ui("POST", "/login", Public, s.login),
		ui("POST", "/logout", SignedIn, s.logout),
		ui("GET", "/setup", Public, s.setupPage),
		ui("POST", "/setup", Public, s.setup),
		ui("GET", "/invitations/{token}", Public, s.invitationPage),
		ui("POST", "/invitations/{token}", Public, s.acceptInvitation),

		ui("GET", "/{$}", SignedIn, s.home),
		ui("GET", "/account", SignedIn, s.accountPage),
		ui("POST", "/account/password", SignedIn, s.changePassword),

		ui("GET", "/o/{org}", Own, s.dashboard),
		ui("GET", "/o/{org}/tokens", Own, s.tokensPage),
		ui("POST", "/o/{org}/tokens", Own, s.createToken),
		ui("POST", "/o/{org}/tokens/{id}/revoke", Own, s.revokeToken),

		ui("GET", "/o/{org}/controls", Read, s.controlsPage),
		ui("POST", "/o/{org}/controls", Edit, s.createControl),
		ui("GET", "/o/{org}/controls/new", Edit, s.newControlPage),
		ui("POST", "/o/{org}/controls/adopt", Edit, s.adoptLibrary),
		ui("GET", "/o/{org}/controls/export", Read, s.exportControls),
		ui("GET", "/o/{org}/controls/{id}", Read, s.controlPage),
		ui("POST", "/o/{org}/controls/{id}", Edit, s.updateControl),
		ui("POST", "/o/{org}/controls/{id}/mappings", Edit, s.addMapping),
		ui("POST", "/o/{org}/controls/{id}/mappings/remove", Edit, s.removeMapping),
		ui("POST", "/o/{org}/controls/{id}/retire", Edit, s.retireControl(true)),
		ui("POST", "/o/{org}/controls/{id}/restore", Edit, s.retireControl(false)),
		ui("GET", "/o/{org}/criteria", Read, s.criteriaPage),
		ui("GET", "/o/{org}/criteria/matrix", Read, s.matrixPage),
		ui("GET", "/o/{org}/criteria/{id}", Read, s.criterionPage),
		ui("GET", "/o/{org}/readiness/export", Read, s.exportReadiness),
		ui("GET", "/o/{org}/scope", Read, s.scopePage),
		ui("POST", "/o/{org}/scope", Edit, s.saveScope),
		ui("GET", "/o/{org}/scope/export", Read, s.exportScope),
		ui("POST", "/o/{org}/scope/subservices", Edit, s.addSubservice),
		ui("POST", "/o/{org}/scope/subservices/{id}/delete", Edit, s.deleteSubservice),
		ui("POST", "/o/{org}/scope/cuecs", Edit, s.addCUEC),
		ui("POST", "/o/{org}/scope/cuecs/{id}/delete", Edit, s.deleteCUEC),
		ui("GET", "/o/{org}/tasks", Own, s.tasksPage),
		ui("POST", "/o/{org}/tasks", Edit, s.createTask),
		ui("GET", "/o/{org}/tasks/{id}", Own, s.taskPage),
		ui("POST", "/o/{org}/tasks/{id}", Edit, s.updateTask),
		ui("POST", "/o/{org}/tasks/{id}/status", Work, s.progressTask),
		ui("GET", "/o/{org}/frameworks", Read, s.frameworksPage),
		ui("POST", "/o/{org}/frameworks", Edit, s.importFramework),
		ui("GET", "/o/{org}/frameworks/{key}", Read, s.frameworkPage),
		ui("POST", "/o/{org}/frameworks/{key}/delete", Edit, s.deleteFramework),

		ui("GET", "/o/{org}/evidence", Read, s.evidencePage),
		ui("POST", "/o/{org}/evidence", Edit, s.addEvidence),
		ui("GET", "/o/{org}/evidence/export", Read, s.exportEvidence),
		ui("GET", "/o/{org}/evidence/{id}", Read, s.evidenceDetail),
		ui("GET", "/o/{org}/evidence/{id}/content", Read, s.evidenceContent),
		ui("POST", "/o/{org}/evidence/{id}/supersede", Edit, s.supersedeEvidence),
		ui("GET", "/o/{org}/coverage", Read, s.coveragePage),

		ui("GET", "/o/{org}/settings", Admin, s.settingsPage),
		ui("POST", "/o/{org}/settings", Admin, s.updateSettings),
		ui("POST", "/o/{org}/invitations", Admin, s.invite),
		ui("POST", "/o/{org}/invitations/{id}/revoke", Admin, s.revokeInvitation),
		ui("POST", "/o/{org}/members/{user}/role", Admin, s.changeRole),
		ui("POST", "/o/{org}/members/{user}/remove", Admin, s.removeMember),
		ui("GET", "/o/{org}/activity", Admin, s.activityPage),
		ui("GET", "/o/{org}/activity/export", Admin, s.exportActivity),

		api("GET", "/openapi.json", Public, s.openAPI),
		api("GET", "/me", SignedIn, s.apiMe),
		api("GET", "/orgs/{org}", Own, s.apiOrg),
		api("GET", "/orgs/{org}/members", Admin, s.apiMembers),
		api("POST", "/orgs/{org}/invitations", Admin, s.apiInvite),
		api("GET", "/orgs/{org}/activity", Admin, s.apiActivity),
		api("GET", "/orgs/{org}/readiness", Read, s.apiReadiness),
		api("GET", "/orgs/{org}/controls", Read, s.apiControls),
		api("GET", "/orgs/{org}/controls/{id}", Read, s.apiControl),
		api("PATCH", "/orgs/{org}/controls/{id}", Edit, s.apiUpdateControl),
		api("GET", "/orgs/{org}/tasks", Own, s.apiTasks),
		api("POST", "/orgs/{org}/tasks", Edit, s.apiCreateTask),
		api("GET", "/orgs/{org}/evidence", Read, s.apiEvidenceList),
		api("POST", "/orgs/{org}/evidence", Edit, s.apiAddEvidence),
		api("GET", "/orgs/{org}/evidence/{id}", Read, s.apiEvidence),
		api("GET", "/orgs/{org}/evidence/{id}/content", Read, s.evidenceContent),
	}
	// Areas that later capabilities fill: each says what will come.
	for _, a := range areas {
		routes = append(routes, ui("GET", "/o/{org}/"+a.Slug, Read, s.areaPage(a.Slug)))
	}
	return routes
}
