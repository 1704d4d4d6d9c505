package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The system in scope: categories, description, subservice organizations, CUECs.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/scope":                          web.Read,
		"POST /o/{org}/scope":                         web.Edit,
		"GET /o/{org}/scope/export":                   web.Read,
		"POST /o/{org}/scope/subservices":             web.Edit,
		"POST /o/{org}/scope/subservices/{id}/delete": web.Edit,
		"POST /o/{org}/scope/cuecs":                   web.Edit,
		"GET /o/{org}/scope/cuecs":                    web.Edit, // a reload after a refused form goes back to its page
		"POST /o/{org}/scope/cuecs/{id}/delete":       web.Edit,
		"POST /o/{org}/scope/frameworks":              web.Edit,
		"POST /o/{org}/scope/exclusions":              web.Edit,
		"POST /o/{org}/scope/exclusions/remove":       web.Edit,
		"GET /o/{org}/soa":                            web.Read,

		"GET /api/v1/orgs/{org}/scope/frameworks":                              web.Read,
		"PUT /api/v1/orgs/{org}/scope/frameworks/{framework}":                  web.Edit,
		"GET /api/v1/orgs/{org}/scope/exclusions/{framework}":                  web.Read,
		"PUT /api/v1/orgs/{org}/scope/exclusions/{framework}/{requirement}":    web.Edit,
		"DELETE /api/v1/orgs/{org}/scope/exclusions/{framework}/{requirement}": web.Edit,
		"GET /api/v1/orgs/{org}/soa":                                           web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/subservices/{id}": id(fx.subservice), "/cuecs/{id}": id(fx.cuec),
			"/{framework}": "iso27001", "/{requirement}": "A.7.1"}
	},
	form: func(fx records) url.Values {
		return url.Values{"name": {"CI"}, "service": {"Hosting"}, "method": {"carve-out"}, "cuec": {"Customers manage users"},
			"framework": {"iso27001"}, "requirement": {"A.7.1"}, "justification": {"No offices of our own"}}
	},
	body: map[string]any{
		"PUT /api/v1/orgs/{org}/scope/frameworks/{framework}":               map[string]bool{"in_scope": true},
		"PUT /api/v1/orgs/{org}/scope/exclusions/{framework}/{requirement}": map[string]string{"justification": "No offices of our own"},
	},
})
