package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestPasswordChange(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c, other := e.Login("employee"), e.Login("employee")
	if res := c.Post("/account/password", url.Values{"current": {"nope"}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "Current password does not match the password you sign in with") {
		t.Fatalf("wrong current: %d", res.StatusCode)
	}
	if res := c.Post("/account/password", url.Values{"current": {webtest.Password}, "password": {"a brand new password"}, "confirm": {"different"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "does not match") {
		t.Fatalf("mismatch: %d", res.StatusCode)
	}
	if res := c.Post("/account/password", url.Values{"current": {webtest.Password}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}); !res.RedirectsTo("/account") {
		t.Fatalf("change: %d %s", res.StatusCode, res.Text)
	}
	if res := c.Get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("current session lost: %d", res.StatusCode)
	}
	if res := other.Get("/o/alpha"); !res.RedirectsTo("/login?next=") {
		t.Fatalf("other session kept: %d", res.StatusCode)
	}
	if res := e.Anon().Post("/login", url.Values{"email": {"employee@alpha.test"}, "password": {"a brand new password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new password: %d", res.StatusCode)
	}
	if acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "user.password_changed"}); len(acts) != 1 {
		t.Fatalf("password change not in activity: %+v", acts)
	}
}

func TestAPITokensThroughUI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Login("manager")
	res := c.Post("/o/alpha/tokens", url.Values{"name": {"CI gate"}, "expires": {"30"}})
	m := regexp.MustCompile(`<code id="new-token">(atk_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.Text)
	if res.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("create token: %d", res.StatusCode)
	}
	secret := m[1]
	if res := c.Get("/o/alpha/tokens"); strings.Contains(res.Text, secret) || !strings.Contains(res.Text, secret[:12]) {
		t.Fatal("the token list must show the prefix and never the secret again")
	}
	if res := c.Post("/o/alpha/tokens", url.Values{"name": {""}, "expires": {"30"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Name is required") {
		t.Fatalf("nameless token: %d", res.StatusCode)
	}
	if res := c.Post("/o/alpha/tokens", url.Values{"name": {"x"}, "expires": {"9999"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("odd expiry: %d", res.StatusCode)
	}

	res = e.API("GET", "/me", secret, nil)
	me := webtest.Decode[map[string]any](t, res)
	if res.StatusCode != http.StatusOK || me["email"] != "manager@alpha.test" || me["role"] != "manager" {
		t.Fatalf("/me: %d %v", res.StatusCode, me)
	}
	toks, _ := e.DB.Tokens(ctx, e.Alpha.ID, e.Users["manager"].ID)
	if len(toks) != 1 || toks[0].LastUsedAt.IsZero() {
		t.Fatalf("last use not recorded: %+v", toks)
	}
	// The API enforces the same roles as the UI.
	if res := e.API("GET", "/orgs/alpha/members", secret, nil); res.StatusCode != http.StatusForbidden ||
		webtest.Decode[map[string]map[string]string](t, res)["error"]["code"] != "forbidden" {
		t.Fatalf("manager listed members: %d", res.StatusCode)
	}
	e.Clock.Advance(31 * 24 * time.Hour)
	if res := e.API("GET", "/me", secret, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token accepted: %d", res.StatusCode)
	}
	e.Clock.Advance(-31 * 24 * time.Hour)
	c = e.Login("manager")
	if res := c.Post(fmt.Sprintf("/o/alpha/tokens/%d/revoke", toks[0].ID), nil); !res.RedirectsTo("/o/alpha/tokens") {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res := e.API("GET", "/me", secret, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked token accepted: %d", res.StatusCode)
	}
}
