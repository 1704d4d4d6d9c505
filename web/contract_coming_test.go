package web_test

import "github.com/attest-hq/attest/web"

// Areas that later capabilities fill; each has a page saying what will come.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/audits": web.Read,
	},
})
