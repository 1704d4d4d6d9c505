package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// A user's own pages: home, account, an organization's dashboard, API tokens.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /{$}":                              web.SignedIn,
		"GET /account":                          web.SignedIn,
		"POST /account/password":                web.SignedIn,
		"GET /account/password":                 web.SignedIn, // a reload after a refused form goes back to its page
		"GET /account/two-step":                 web.SignedIn,
		"POST /account/two-step/totp":           web.SignedIn,
		"POST /account/two-step/confirm":        web.SignedIn,
		"POST /account/two-step/disable":        web.SignedIn,
		"POST /account/two-step/recovery-codes": web.SignedIn,
		"GET /account/two-step/confirm":         web.SignedIn, // reloads after refused forms
		"GET /account/two-step/disable":         web.SignedIn,
		"GET /account/two-step/recovery-codes":  web.SignedIn,
		"POST /account/passkeys/options":        web.SignedIn,
		"POST /account/passkeys":                web.SignedIn, // the authenticator's answer; without a ceremony it is refused in JSON
		"POST /account/passkeys/{id}/rename":    web.SignedIn,
		"POST /account/passkeys/{id}/remove":    web.SignedIn,
		"GET /o/{org}":                          web.Own,
		"GET /o/{org}/tokens":                   web.Own,
		"POST /o/{org}/tokens":                  web.Own,
		"POST /o/{org}/tokens/{id}/revoke":      web.Own,

		"GET /api/v1/openapi.json": web.Public,
		"GET /api/v1/me":           web.SignedIn,
		"GET /api/v1/orgs/{org}":   web.Own,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/tokens/{id}": id(fx.token), "/passkeys/{id}": id(fx.passkey)}
	},
	form: func(fx records) url.Values {
		return url.Values{"name": {"CI"}, "expires": {"30"}, "password": {"a new long password"}, "current": {"wrong"}}
	},
})
