package web_test

import (
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// A control's mappings in the API: editors map, retype and unmap; the
// fixture control maps to SOC 2 CC6.1.
var _ = area(contractArea{
	access: map[string]web.Access{
		"POST /api/v1/orgs/{org}/controls/{id}/mappings":   web.Edit,
		"PUT /api/v1/orgs/{org}/controls/{id}/mappings":    web.Edit,
		"DELETE /api/v1/orgs/{org}/controls/{id}/mappings": web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		return map[string]string{"/controls/{id}": id(fx.control), "/api/v1/orgs/{org}/controls/{id}/mappings": "?framework=soc2&requirement=CC6.1"}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/controls/{id}/mappings": map[string]string{"framework": "soc2", "requirement": "CC7.1", "type": "subset"},
		"PUT /api/v1/orgs/{org}/controls/{id}/mappings":  map[string]string{"framework": "soc2", "requirement": "CC6.1", "type": "related"},
	},
})
