package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Remediation tasks; an employee reaches only their own.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/tasks":              web.Own,
		"POST /o/{org}/tasks":             web.Edit,
		"GET /o/{org}/tasks/{id}":         web.Own,
		"POST /o/{org}/tasks/{id}":        web.Edit,
		"POST /o/{org}/tasks/{id}/status": web.Work,
		"GET /o/{org}/tasks/{id}/status":  web.Work, // a reload after a refused form goes back to its page

		"GET /api/v1/orgs/{org}/tasks":  web.Own,
		"POST /api/v1/orgs/{org}/tasks": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/tasks/{id}": id(fx.task)}
	},
	form: func(fx records) url.Values {
		return url.Values{"title": {"A task"}, "status": {"done"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/tasks": map[string]string{"title": "From the API"},
	},
})
