package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// An organization's settings, members and invitations, and its activity log.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/settings":                        web.Admin,
		"POST /o/{org}/settings":                       web.Admin,
		"POST /o/{org}/invitations":                    web.Admin,
		"GET /o/{org}/invitations":                     web.Admin, // a reload after a refused form goes back to its page
		"POST /o/{org}/invitations/{id}/revoke":        web.Admin,
		"POST /o/{org}/members/{user}/role":            web.Admin,
		"POST /o/{org}/members/{user}/remove":          web.Admin,
		"POST /o/{org}/members/{user}/sessions/revoke": web.Admin,
		"POST /o/{org}/settings/two-step":              web.Admin,
		"POST /o/{org}/settings/sso":                   web.Admin,
		"POST /o/{org}/settings/sso/require":           web.Admin,
		"GET /o/{org}/settings/jobs":                   web.Admin, // the install's job processes and queue
		"GET /o/{org}/activity":                        web.Admin,
		"GET /o/{org}/activity/export":                 web.Admin,

		"GET /api/v1/orgs/{org}/members":                         web.Admin,
		"PATCH /api/v1/orgs/{org}":                               web.Admin,
		"GET /api/v1/orgs/{org}/sso":                             web.Admin,
		"PUT /api/v1/orgs/{org}/sso":                             web.Admin,
		"POST /api/v1/orgs/{org}/members/{user}/sessions/revoke": web.Admin,
		"POST /api/v1/orgs/{org}/invitations":                    web.Admin,
		"GET /api/v1/orgs/{org}/activity":                        web.Admin,
		"GET /api/v1/orgs/{org}/jobs":                            web.Admin,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		inv, _ := invitation(e)
		return map[string]string{"/invitations/{id}": id(inv.ID), "/members/{user}": id(e.Users["spare"].ID),
			"/o/{org}/activity/export": "?format=csv"}
	},
	form: func(fx records) url.Values {
		return url.Values{"email": {"new@alpha.test"}, "role": {"manager"}, "org_name": {"Renamed"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/invitations": map[string]string{"email": "new@alpha.test", "role": "employee"},
		"PATCH /api/v1/orgs/{org}":            map[string]any{"require_mfa": false},
		"PUT /api/v1/orgs/{org}/sso":          map[string]any{"issuer": "https://login.example.com", "client_id": "web", "client_secret": "s", "domains": []string{"alpha.test"}},
	},
})
