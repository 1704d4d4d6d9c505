package web_test

import (
	"fmt"
	"net/url"
	"sync/atomic"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// connectionSeq names the connections the contract creates, unique within
// the shared world of GET requests.
var connectionSeq atomic.Int64

// Connections: readers list them, editors add, check and remove them.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/connections":                       web.Read,
		"POST /o/{org}/connections":                      web.Edit,
		"POST /o/{org}/connections/{id}/check":           web.Edit,
		"POST /o/{org}/connections/{id}/remove":          web.Edit,
		"GET /api/v1/orgs/{org}/connectors":              web.Read,
		"GET /api/v1/orgs/{org}/connections":             web.Read,
		"POST /api/v1/orgs/{org}/connections":            web.Edit,
		"POST /api/v1/orgs/{org}/connections/{id}/check": web.Edit,
		"DELETE /api/v1/orgs/{org}/connections/{id}":     web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		c, err := e.Connections.Add(ctx, attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem), connection.Input{
			Type: webtest.ProbeType, Name: fmt.Sprintf("c%d", connectionSeq.Add(1)), Settings: map[string]string{"org": "acme"},
			Secret: []byte("good-token")})
		if err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/connections/{id}": id(c.ID)}
	},
	form: func(fx records) url.Values {
		return url.Values{"type": {webtest.ProbeType}, "name": {"from-ui"}, "set.org": {"acme"}, "secret": {"good-token"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/connections": map[string]any{"type": webtest.ProbeType, "name": "from-api",
			"settings": map[string]string{"org": "acme"}, "secret": "good-token"},
	},
})
