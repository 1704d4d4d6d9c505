package ui

import "github.com/attest-hq/attest/web"

// sessionRoutes are the routes of this area, with the access each needs.
func (h *Handler) sessionRoutes() []web.Route {
	return []web.Route{
		route("GET", "/login", web.Public, h.loginPage),
		route("POST", "/login", web.Public, h.login),
		route("GET", "/login/verify", web.Public, h.secondStepPage),
		route("POST", "/login/verify", web.Public, h.secondStep),
		route("POST", "/login/verify/passkey/options", web.Public, h.passkeySecondStepOptions),
		route("POST", "/login/verify/passkey", web.Public, h.passkeySecondStep),
		route("POST", "/login/passkey/options", web.Public, h.passkeySignInOptions),
		route("POST", "/login/passkey", web.Public, h.passkeySignIn),
		route("GET", "/login/sso", web.Public, h.ssoPage),
		route("POST", "/login/sso", web.Public, h.ssoChoose),
		route("GET", "/login/sso/{slug}", web.Public, h.ssoStart),
		route("GET", "/login/oidc/callback", web.Public, h.ssoCallback),
		route("POST", "/logout", web.SignedIn, h.logout),
		route("GET", "/setup", web.Public, h.setupPage),
		route("POST", "/setup", web.Public, h.setup),
		route("GET", "/invitations/{token}", web.Public, h.invitationPage),
		route("POST", "/invitations/{token}", web.Public, h.acceptInvitation),
	}
}
