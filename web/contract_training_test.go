package web_test

import (
	"net/url"

	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// Training and background checks in the UI: everyone takes their own
// training (auditors read it but take no quiz here); those who read the
// programme see everyone's training and checks, editors record them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/my/training":               web.Own,
		"POST /o/{org}/my/training":              web.Work,
		"GET /o/{org}/people/training":           web.Read,
		"POST /o/{org}/people/training":          web.Edit,
		"POST /o/{org}/people/training/settings": web.Edit,
		"GET /o/{org}/people/background":         web.Read,
		"POST /o/{org}/people/background":        web.Edit,
		"POST /o/{org}/people/background/import": web.Edit,
		"GET /o/{org}/people/background/import":  web.Edit, // a reload after a refused import goes back to the list
	},
	form: func(fx records) url.Values {
		return url.Values{"course": {"Phishing 101"}, "completed_on": {"2026-01-05"}, "status": {"clear"}, "provider": {"Checkr"},
			"training_days": {"30"}, "background_days": {"0"}}
	},
})

// Training and background checks in the API: readers list them, editors
// record completions and import checks.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /api/v1/orgs/{org}/training":           web.Read,
		"POST /api/v1/orgs/{org}/training":          web.Edit,
		"GET /api/v1/orgs/{org}/background":         web.Read,
		"POST /api/v1/orgs/{org}/background/import": web.Edit,
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/training": map[string]any{"person_id": 0, "course": "Phishing 101", "completed_on": "2026-01-05",
			"link": "https://learn.example.com/1"},
		"POST /api/v1/orgs/{org}/background/import": webtest.CSV("email,provider,status\nnobody@alpha.test,Checkr,pending\n"),
	},
})
