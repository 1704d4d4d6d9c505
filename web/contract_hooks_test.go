package web_test

import (
	"github.com/attest-hq/attest/web"
)

// Webhooks: public, because a provider calls them without a session; the
// signature made with the connection's webhook secret is the credential, so
// an unsigned request (as the matrix sends) is refused as not found.
var _ = area(contractArea{
	access: map[string]web.Access{
		"POST /hooks/{type}/{connection}": web.Public,
	},
})
