package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

func TestAPIErrorsAreJSON(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	secret, _ := e.Token(e.Alpha, "admin")
	type apiErr struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, field               string
	}{
		{"no token", "GET", "/me", "", nil, 401, "unauthorized", ""},
		{"bad token", "GET", "/me", "atk_nope", nil, 401, "unauthorized", ""},
		{"unknown route", "GET", "/nothing", secret, nil, 404, "not_found", ""},
		{"unknown org", "GET", "/orgs/zzz", secret, nil, 404, "not_found", ""},
		{"malformed JSON", "POST", "/orgs/alpha/invitations", secret, `{"email":`, 422, "invalid", ""},
		{"unknown field", "POST", "/orgs/alpha/invitations", secret, `{"email":"a@b.test","role":"admin","admin":true}`, 422, "invalid", ""},
		{"wrong type", "POST", "/orgs/alpha/invitations", secret, `{"email":5,"role":"admin"}`, 422, "invalid", "email"},
		{"bad email", "POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "not-an-email", "role": "admin"}, 422, "invalid", "email"},
		{"bad role", "POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "a@b.test", "role": "root"}, 422, "invalid", "role"},
		{"bad filter", "GET", "/orgs/alpha/activity?since=yesterday", secret, nil, 422, "invalid", "since"},
		{"bad limit", "GET", "/orgs/alpha/activity?limit=0", secret, nil, 422, "invalid", "limit"},
	}
	for _, c := range cases {
		res := e.API(c.method, c.path, c.token, c.body)
		var got apiErr
		if err := json.Unmarshal([]byte(res.Text), &got); err != nil || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: not a JSON error: %s", c.name, res.Text)
			continue
		}
		if res.StatusCode != c.status || got.Error.Code != c.code || got.Error.Field != c.field || got.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s field %q", c.name, res.StatusCode, got.Error, c.status, c.code, c.field)
		}
	}
	res := e.API("POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "ok@b.test", "role": "auditor"})
	inv := webtest.Decode[map[string]any](t, res)
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(fmt.Sprint(inv["link"]), "http://attest.test/invitations/") {
		t.Fatalf("API invitation: %d %v", res.StatusCode, inv)
	}
	acts := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/activity?action=member.", secret, nil))["entries"]
	if len(acts) != 1 || acts[0]["via"] != "api" || acts[0]["actor"] != "admin@alpha.test" {
		t.Fatalf("API activity: %v", acts)
	}
}

// TestOpenAPIDocumentsEveryRoute fails when an API route is missing from the
// OpenAPI document, or the document describes a route that does not exist.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	res := e.API("GET", "/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(res.Text), &doc); err != nil || doc.OpenAPI != "3.1.0" || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi.json: %v %s", err, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" /api/v1"+p] = true
			}
		}
	}
	for _, rt := range e.Srv.Routes() {
		if !rt.API {
			continue
		}
		k := rt.Method + " " + rt.Path
		if !documented[k] {
			t.Errorf("API route %s is missing from openapi.json", k)
		}
		delete(documented, k)
	}
	for k := range documented {
		t.Errorf("openapi.json documents %s, which is not a route", k)
	}
}
