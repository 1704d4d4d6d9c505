package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Policies in the UI: readers see policies, their versions, diffs and the
// report; editors adopt, write, submit, publish and retire; named approvers
// decide; everyone who works reads and accepts their own policies, and
// anyone sees the acknowledgements of themselves and their reports.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/policies":                      web.Read,
		"POST /o/{org}/policies":                     web.Edit,
		"POST /o/{org}/policy-values":                web.Edit,
		"GET /o/{org}/policy-values":                 web.Edit, // a reload after refused values
		"GET /o/{org}/acknowledgements":              web.Own,
		"GET /o/{org}/acknowledgements/export":       web.Own,
		"GET /o/{org}/policy-export":                 web.Read,
		"GET /o/{org}/policies/{key}/export":         web.Read,
		"GET /o/{org}/policies/{key}":                web.Read,
		"POST /o/{org}/policies/{key}":               web.Edit,
		"POST /o/{org}/policies/{key}/draft":         web.Edit,
		"GET /o/{org}/policies/{key}/draft":          web.Edit, // a reload after a refused draft
		"POST /o/{org}/policies/{key}/preview":       web.Read,
		"GET /o/{org}/policies/{key}/diff":           web.Read,
		"POST /o/{org}/policies/{key}/retire":        web.Edit,
		"POST /o/{org}/policy-versions/{id}/submit":  web.Edit,
		"POST /o/{org}/policy-versions/{id}/decide":  web.Work,
		"POST /o/{org}/policy-versions/{id}/publish": web.Edit,
		"GET /o/{org}/my/policies":                   web.Own,
		"GET /o/{org}/my/policies/{key}":             web.Own,
		"POST /o/{org}/my/policies/{key}/accept":     web.Work,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return policyParams(e) },
	form: func(fx records) url.Values {
		return url.Values{"template": {"access-control"}, "title": {"Written here"}, "body": {"# Rules\n\nText of {{company_name}}."},
			"decision": {"approve"}, "quorum": {"1"}, "review_months": {"12"}, "everyone": {"1"}, "v.company_name": {"Alpha"}}
	},
})
