package web_test

import (
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The drafts of the system description and management's assertion: those
// who read the programme download them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/scope/assertion":                       web.Read,
		"GET /api/v1/orgs/{org}/drafts/system-description":   web.Read,
		"GET /api/v1/orgs/{org}/drafts/management-assertion": web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/o/{org}/scope/assertion": "?type=type1&as_of=2026-03-31",
			"/api/v1/orgs/{org}/drafts/management-assertion": "?type=type2&from=2026-01-01&to=2026-06-30"}
	},
})
