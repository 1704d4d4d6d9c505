package web_test

import (
	"fmt"
	"net/url"
	"sync/atomic"

	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// personSeq numbers the people the contract creates, unique within the shared
// world of GET requests.
var personSeq atomic.Int64

func personParam(e *webtest.Env) map[string]string {
	n := personSeq.Add(1)
	p := storetest.MustPerson(e.T, e.DB, e.Alpha, fmt.Sprintf("Person %d", n), fmt.Sprintf("person%d@alpha.test", n))
	return map[string]string{"/people/{id}": id(p.ID)}
}

// The workforce in the UI: those who read the programme see the roster,
// editors change it, and only admins invite a person to sign in.
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
	params: func(e *webtest.Env, who string, fx records) map[string]string { return personParam(e) },
	form: func(fx records) url.Values {
		return url.Values{"name": {"Ada"}, "email": {fmt.Sprintf("ada%d@alpha.test", fx.control)}, "start_date": {"2025-01-06"}}
	},
})

// People in the API: readers see the roster, editors keep it; employees see
// none of it.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /api/v1/orgs/{org}/people":         web.Read,
		"POST /api/v1/orgs/{org}/people":        web.Edit,
		"POST /api/v1/orgs/{org}/people/import": web.Edit,
		"GET /api/v1/orgs/{org}/people/{id}":    web.Read,
		"PATCH /api/v1/orgs/{org}/people/{id}":  web.Edit,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return personParam(e) },
	body: map[string]any{
		"POST /api/v1/orgs/{org}/people": map[string]string{"name": "From the API", "email": "api@alpha.test", "start_date": "2026-01-05"},
		"POST /api/v1/orgs/{org}/people/import": webtest.CSV("name,email,start_date,manager\n" +
			"Ada Lovelace,ada@alpha.test,2025-01-06,grace@alpha.test\nGrace Hopper,grace@alpha.test,2024-02-01,\n"),
		"PATCH /api/v1/orgs/{org}/people/{id}": map[string]string{"title": "Engineer"},
	},
})
