package web_test

import (
	"fmt"
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Controls, criteria and readiness, imported frameworks.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/controls":                       web.Read,
		"GET /o/{org}/controls/new":                   web.Edit,
		"POST /o/{org}/controls":                      web.Edit,
		"POST /o/{org}/controls/adopt":                web.Edit,
		"POST /o/{org}/controls/bulk":                 web.Edit,
		"GET /o/{org}/controls/export":                web.Read,
		"GET /o/{org}/controls/{id}":                  web.Own, // an employee only the controls they own
		"POST /o/{org}/controls/{id}":                 web.Edit,
		"POST /o/{org}/controls/{id}/mappings":        web.Edit,
		"GET /o/{org}/controls/{id}/mappings":         web.Edit, // a reload after a refused form goes back to its page
		"POST /o/{org}/controls/{id}/mappings/remove": web.Edit,
		"GET /o/{org}/controls/{id}/mappings/remove":  web.Edit, // a reload after a refused form goes back to its page
		"POST /o/{org}/controls/{id}/mappings/type":   web.Edit,
		"POST /o/{org}/controls/{id}/retire":          web.Edit,
		"POST /o/{org}/controls/{id}/restore":         web.Edit,
		"GET /o/{org}/criteria":                       web.Read,
		"GET /o/{org}/criteria/matrix":                web.Read,
		"GET /o/{org}/criteria/{id}":                  web.Read,
		"GET /o/{org}/readiness/export":               web.Read,
		"GET /o/{org}/frameworks":                     web.Read,
		"POST /o/{org}/frameworks":                    web.Edit,
		"GET /o/{org}/frameworks/{key}":               web.Read,
		"POST /o/{org}/frameworks/{key}/delete":       web.Edit,
		"POST /o/{org}/frameworks/{key}/replace":      web.Edit,

		"GET /api/v1/orgs/{org}/readiness":       web.Read,
		"GET /api/v1/orgs/{org}/controls":        web.Read,
		"GET /api/v1/orgs/{org}/controls/{id}":   web.Own, // an employee only the controls they own
		"PATCH /api/v1/orgs/{org}/controls/{id}": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/controls/{id}": id(fx.control), "/criteria/{id}": "CC6.1", "/frameworks/{key}": fx.framework,
			"/o/{org}/controls/export": "?format=json"}
	},
	form: func(fx records) url.Values {
		return url.Values{"ref": {fmt.Sprintf("CUS-%d", fx.control)}, "name": {"CI"}, "type": {"preventive"}, "frequency": {"annual"},
			"status": {"done"}, "requirement": {"CC6.1"}, "framework": {"soc2"}}
	},
	body: map[string]any{
		"PATCH /api/v1/orgs/{org}/controls/{id}": map[string]string{"status": "in_progress"},
	},
})
