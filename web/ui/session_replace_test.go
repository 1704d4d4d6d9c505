package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// sessionOf returns the session cookie a client holds.
func sessionOf(t *testing.T, e *webtest.Env, c *webtest.Client) string {
	t.Helper()
	u, _ := url.Parse(e.TS.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "attest_session" {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// live reports whether a session secret still signs a browser in.
func live(e *webtest.Env, secret string) bool {
	c := e.Anon()
	u, _ := url.Parse(e.TS.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "attest_session", Value: secret}})
	return c.Get("/o/alpha").StatusCode == http.StatusOK
}

// Signing in as someone else in the same browser ends the first person's
// session on the server, not only in the browser.
func TestSignInEndsThePreviousSession(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Login("admin")
	first := sessionOf(t, e, c)
	if !live(e, first) {
		t.Fatal("admin session not live")
	}
	if res := c.Post("/login", url.Values{"email": {"manager@alpha.test"}, "password": {webtest.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	second := sessionOf(t, e, c)
	if second == first || !live(e, second) {
		t.Fatal("the second sign-in has no session of its own")
	}
	if live(e, first) {
		t.Error("the previous user's session is still valid after another sign-in in the same browser")
	}
	// A failed sign-in leaves the current session alone.
	if res := c.Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {"a wrong password"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if !live(e, second) {
		t.Error("a failed sign-in ended the current session")
	}
}

// The set-up link signs its admin in; a session the browser held ends.
func TestSetupEndsThePreviousSession(t *testing.T) {
	e := webtest.NewBare(t, store.SQLite)
	ctx := context.Background()
	u := storetest.MustUser(t, e.DB, "earlier@elsewhere.test")
	users := &account.Users{DB: e.DB, PasswordParams: auth.TestParams}
	earlier, _, err := users.StartSession(ctx, u.ID, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	c := e.Anon()
	base, _ := url.Parse(e.TS.URL)
	c.HTTP.Jar.SetCookies(base, []*http.Cookie{{Name: "attest_session", Value: earlier}})
	form := url.Values{"token": {e.SetupSecret()}, "org_name": {"Gamma Inc"}, "org_slug": {"gamma"}, "name": {"Gia"},
		"email": {"gia@gamma.test"}, "password": {webtest.Password}}
	if res := c.Post("/setup", form); !res.RedirectsTo("/o/gamma") {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Text)
	}
	if _, _, err := e.DB.SessionUser(ctx, auth.HashSecret(earlier), ""); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("the earlier session survived set-up: %v", err)
	}
}
