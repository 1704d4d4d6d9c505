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
	}
	// Areas that later capabilities fill: each says what will come.
	for _, a := range areas {
		routes = append(routes, ui("GET", "/o/{org}/"+a.Slug, Read, s.areaPage(a.Slug)))
	}
	return routes
}
