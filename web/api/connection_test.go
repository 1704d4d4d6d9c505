package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestConnectionsAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr, _ := e.Token(e.Alpha, "manager")
	body := func(name, token string) map[string]any {
		return map[string]any{"type": "probe", "name": name, "settings": map[string]string{"org": "acme"}, "secret": token}
	}

	specs := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/connectors", mgr, nil))["connectors"]
	if len(specs) != 2 || specs[0]["type"] != "github" || specs[1]["type"] != "probe" || specs[1]["secret_label"] != "Probe token" {
		t.Fatalf("connectors: %v", specs)
	}

	res := e.API("POST", "/orgs/alpha/connections", mgr, body("gh", "good-token"))
	if res.StatusCode != http.StatusCreated || strings.Contains(res.Text, "good-token") || strings.Contains(res.Text, "secret") {
		t.Fatalf("create: %d %s", res.StatusCode, res.Text)
	}
	gh := webtest.Decode[map[string]any](t, res)
	ghID := fmt.Sprint(gh["id"])
	if gh["name"] != "gh" || gh["interval_minutes"] != float64(60) || gh["settings"].(map[string]any)["base_url"] != "https://probe.example.test" {
		t.Errorf("created connection: %v", gh)
	}
	limited := webtest.Decode[map[string]any](t, e.API("POST", "/orgs/alpha/connections", mgr, body("limited", "limited-token")))

	for name, c := range map[string]struct {
		body  any
		code  int
		field string
	}{
		"unknown setting": {map[string]any{"type": "probe", "name": "x", "settings": map[string]string{"org": "a", "owner": "b"}, "secret": "t"}, 422, "owner"},
		"missing setting": {map[string]any{"type": "probe", "name": "x", "settings": map[string]string{}, "secret": "t"}, 422, "org"},
		"no secret":       {map[string]any{"type": "probe", "name": "x", "settings": map[string]string{"org": "a"}}, 422, "secret"},
		"unknown type":    {map[string]any{"type": "gitlab", "name": "x", "settings": map[string]string{}, "secret": "t"}, 422, "type"},
		"taken name":      {body("gh", "good-token"), 409, "name"},
	} {
		res := e.API("POST", "/orgs/alpha/connections", mgr, c.body)
		got := webtest.Decode[map[string]map[string]string](t, res)["error"]
		if res.StatusCode != c.code || got["field"] != c.field {
			t.Errorf("%s: %d %v, want %d on %s", name, res.StatusCode, got, c.code, c.field)
		}
	}

	res = e.API("GET", "/orgs/alpha/connections", mgr, nil)
	list := webtest.Decode[map[string][]map[string]any](t, res)["connections"]
	if len(list) != 2 || list[0]["name"] != "gh" || strings.Contains(res.Text, "-token") {
		t.Fatalf("list: %s", res.Text)
	}

	check := webtest.Decode[map[string]any](t, e.API("POST", "/orgs/alpha/connections/"+ghID+"/check", mgr, nil))
	if check["ok"] != true || check["identity"] != "probe-bot@acme" {
		t.Errorf("check gh: %v", check)
	}
	check = webtest.Decode[map[string]any](t, e.API("POST", fmt.Sprintf("/orgs/alpha/connections/%v/check", limited["id"]), mgr, nil))
	if check["ok"] != false || fmt.Sprint(check["missing"]) != "[members:read]" {
		t.Errorf("check limited: %v", check)
	}
	list = webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/connections", mgr, nil))["connections"]
	if list[0]["check_ok"] != true || list[0]["checked_at"] == nil || list[1]["check_ok"] != false ||
		!strings.Contains(fmt.Sprint(list[1]["check_message"]), "members:read") {
		t.Errorf("list after checks: %v", list)
	}

	// Another organization's admin cannot reach alpha's connection through beta.
	beta, _ := e.Token(e.Beta, "outsider")
	for _, call := range []struct{ method, path string }{{"POST", "/orgs/beta/connections/" + ghID + "/check"}, {"DELETE", "/orgs/beta/connections/" + ghID}} {
		if res := e.API(call.method, call.path, beta, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s as beta: %d", call.method, call.path, res.StatusCode)
		}
	}
	if list := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/beta/connections", beta, nil))["connections"]; len(list) != 0 {
		t.Errorf("beta lists %v", list)
	}

	if res := e.API("DELETE", "/orgs/alpha/connections/"+ghID, mgr, nil); res.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("DELETE", "/orgs/alpha/connections/"+ghID, mgr, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("delete twice: %d", res.StatusCode)
	}
	if res := e.API("POST", "/orgs/alpha/connections/nope/check", mgr, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("check a non-number: %d", res.StatusCode)
	}
}
