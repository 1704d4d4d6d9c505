package web_test

import (
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The programme as OSCAL documents: those who read the programme download
// them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/oscal/{document}":           web.Read,
		"GET /api/v1/orgs/{org}/oscal/{document}": web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/oscal/{document}": "component-definition"}
	},
})
