package web_test

import (
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Evidence, its ledger export, and Type 2 coverage.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/evidence":                 web.Read,
		"POST /o/{org}/evidence":                web.Work, // an employee only for controls they own
		"GET /o/{org}/evidence/export":          web.Read,
		"GET /o/{org}/evidence/{id}":            web.Read,
		"GET /o/{org}/evidence/{id}/content":    web.Read,
		"POST /o/{org}/evidence/{id}/supersede": web.Edit,
		"GET /o/{org}/coverage":                 web.Read,
		"GET /o/{org}/coverage.csv":             web.Read,

		"GET /api/v1/orgs/{org}/evidence":              web.Read,
		"POST /api/v1/orgs/{org}/evidence":             web.Work, // an employee only for controls they own
		"GET /api/v1/orgs/{org}/evidence/{id}":         web.Read,
		"GET /api/v1/orgs/{org}/evidence/{id}/content": web.Read,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/evidence/{id}": id(fx.evidence)}
	},
})
