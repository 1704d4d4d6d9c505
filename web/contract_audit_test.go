package web_test

import (
	"github.com/attest-hq/attest/web"
)

// An audit's export package: those who read the programme download it.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audit-package":           web.Read,
		"GET /api/v1/orgs/{org}/audit-package": web.Read,
	},
})
