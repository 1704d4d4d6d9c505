package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Signing in and out, the set-up link, invitation links, health checks.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /healthz":                       web.Public,
		"GET /readyz":                        web.Public,
		"GET /login":                         web.Public,
		"POST /login":                        web.Public,
		"GET /login/verify":                  web.Public,
		"POST /login/verify":                 web.Public,
		"POST /login/verify/passkey/options": web.Public,
		"POST /login/verify/passkey":         web.Public,
		"POST /login/passkey/options":        web.Public,
		"POST /login/passkey":                web.Public,
		"GET /login/sso":                     web.Public,
		"POST /login/sso":                    web.Public,
		"GET /login/sso/{slug}":              web.Public,
		"GET /login/oidc/callback":           web.Public,
		"POST /logout":                       web.SignedIn,
		"GET /setup":                         web.Public,
		"POST /setup":                        web.Public,
		"GET /invitations/{token}":           web.Public,
		"POST /invitations/{token}":          web.Public,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		_, secret := invitation(e)
		return map[string]string{"/invitations/{token}": secret, "/setup": "?token=" + e.SetupSecret()}
	},
	form: func(fx records) url.Values {
		return url.Values{"email": {"new@alpha.test"}, "name": {"CI"}, "password": {"a new long password"},
			"org_name": {"Renamed"}}
	},
})
