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
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/subservices/{id}": id(fx.subservice), "/cuecs/{id}": id(fx.cuec)}
	},
	form: func(fx records) url.Values {
		return url.Values{"name": {"CI"}, "service": {"Hosting"}, "method": {"carve-out"}, "cuec": {"Customers manage users"}}
	},
})
