package web_test

import (
	"fmt"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// The workforce: those who read the programme see the roster, editors change
// it, and only admins invite a person to sign in.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/people":              web.Read,
		"POST /o/{org}/people":             web.Edit,
		"POST /o/{org}/people/import":      web.Edit,
		"GET /o/{org}/people/import":       web.Edit, // a reload after a refused import goes back to the roster
		"GET /o/{org}/people/{id}":         web.Read,
		"POST /o/{org}/people/{id}":        web.Edit,
		"POST /o/{org}/people/{id}/invite": web.Admin,
		"GET /o/{org}/people/{id}/invite":  web.Admin,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string {
		p := attest.Person{OrgID: e.Alpha.ID, Name: "Person for " + who, Email: fmt.Sprintf("p%d-%s@alpha.test", fx.control, who), StartDate: "2025-01-06"}
		if err := e.DB.CreatePerson(ctx, &p); err != nil {
			e.T.Fatal(err)
		}
		return map[string]string{"/people/{id}": id(p.ID)}
	},
	form: func(fx records) url.Values {
		return url.Values{"name": {"Ada"}, "email": {fmt.Sprintf("ada%d@alpha.test", fx.control)}, "start_date": {"2025-01-06"}}
	},
})
