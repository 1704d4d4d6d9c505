package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The changes register: readers of the programme see it and download it,
// editors upload deploy logs, admins set the emergency rules.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/changes":             web.Read,
		"GET /o/{org}/changes/export":      web.Read,
		"POST /o/{org}/changes/deploy-log": web.Edit,
		"GET /o/{org}/changes/deploy-log":  web.Edit, // reloads after a refused form go back to its page
		"POST /o/{org}/changes/rules":      web.Admin,
		"GET /o/{org}/changes/rules":       web.Admin,
		"POST /o/{org}/changes/bank":       web.Edit,

		"GET /api/v1/orgs/{org}/changes":             web.Read,
		"POST /api/v1/orgs/{org}/changes/deploy-log": web.Edit,
		"PUT /api/v1/orgs/{org}/changes/rules":       web.Admin,
		"POST /api/v1/orgs/{org}/changes/bank":       web.Edit,
	},
	form: func(fx records) url.Values {
		return url.Values{"emergency_label": {"hotfix"}, "emergency_hours": {"48"}, "days": {"30"}}
	},
	body: map[string]any{
		"PUT /api/v1/orgs/{org}/changes/rules":       map[string]any{"emergency_label": "hotfix", "emergency_hours": 48},
		"POST /api/v1/orgs/{org}/changes/deploy-log": webtest.CSV("repository,commit,deployed_at\nnorthwind/api,5d41402abc4b2a76,2026-11-02T09:30:00Z\n"),
	},
})
