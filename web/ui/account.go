package ui

import "github.com/attest-hq/attest/web"

// accountRoutes are the routes of this area, with the access each needs.
func (h *Handler) accountRoutes() []web.Route {
	return []web.Route{
		route("GET", "/{$}", web.SignedIn, h.home),
		route("GET", "/account", web.SignedIn, h.accountPage),
		route("POST", "/account/password", web.SignedIn, h.changePassword),
		route("GET", "/account/two-step", web.SignedIn, h.twoStepPage),
		route("POST", "/account/two-step/totp", web.SignedIn, h.startTOTP),
		route("POST", "/account/two-step/confirm", web.SignedIn, h.confirmTOTP),
		route("POST", "/account/two-step/disable", web.SignedIn, h.disableTOTP),
		route("POST", "/account/two-step/recovery-codes", web.SignedIn, h.newRecoveryCodes),
		route("POST", "/account/passkeys/options", web.SignedIn, h.passkeyRegisterOptions),
		route("POST", "/account/passkeys", web.SignedIn, h.passkeyRegister),
		route("POST", "/account/passkeys/{id}/rename", web.SignedIn, h.passkeyRename),
		route("POST", "/account/passkeys/{id}/remove", web.SignedIn, h.passkeyRemove),
	}
}
