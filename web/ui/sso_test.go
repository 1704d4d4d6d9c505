package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/sso/oidctest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// ssoSignIn signs in through the provider as username, starting at path,
// and follows the provider's redirect back to the test server (the server's
// public address, attest.test, stands for it). It returns the callback's
// response.
func ssoSignIn(t *testing.T, e *webtest.Env, op *oidctest.Provider, c *webtest.Client, path, username string) webtest.Response {
	t.Helper()
	back := op.SignIn(t, c.HTTP, c.URL(path), username, "verysecure")
	if back.Host != "attest.test" || back.Path != "/login/oidc/callback" {
		t.Fatalf("the provider sent the browser back to %s", back)
	}
	return c.Get(back.Path + "?" + back.RawQuery)
}

func TestSingleSignOnThroughThePages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	op := oidctest.Start(t, "http://attest.test/login/oidc/callback",
		oidctest.User{ID: "1", Username: "newbie", Password: "verysecure", FirstName: "New", LastName: "Person", Email: "newbie@alpha.test", EmailVerified: true},
		oidctest.User{ID: "2", Username: "manager", Password: "verysecure", Email: "manager@alpha.test", EmailVerified: true})
	if err := e.DB.AddMember(t.Context(), e.Beta.ID, e.Users["manager"].ID, attest.RoleEmployee); err != nil {
		t.Fatal(err)
	}
	admin := e.Login("admin")
	if res := admin.Get("/o/alpha/settings"); !strings.Contains(res.Text, `<code id="redirect-uri">http://attest.test/login/oidc/callback</code>`) {
		t.Fatal("the settings page does not show the redirect URI to register")
	}
	form := url.Values{"issuer": {op.Issuer}, "client_id": {oidctest.ClientID}, "client_secret": {oidctest.ClientSecret},
		"domains": {"alpha.test"}, "default_role": {"employee"}, "enabled": {"on"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("issuer", strings.Replace(op.Issuer, "localhost", "127.0.0.1", 1))
	if res := admin.Post("/o/alpha/settings/sso", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "did not match") {
		t.Fatalf("a wrong issuer: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/settings/sso", form); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("configure: %d %s", res.StatusCode, res.Text)
	}
	tok, _ := e.Token(e.Alpha, "admin")
	if res := e.API("GET", "/orgs/alpha/sso", tok, nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `"configured": true`) ||
		strings.Contains(res.Text, oidctest.ClientSecret+`"`) {
		t.Fatalf("API: %d %s", res.StatusCode, res.Text)
	}

	// Someone new signs in through the provider and lands in the organization.
	newbie := e.Anon()
	res := ssoSignIn(t, e, op, newbie, "/login/sso/alpha", "newbie")
	if !res.RedirectsTo("/o/alpha") {
		t.Fatalf("callback: %d %s", res.StatusCode, res.Text)
	}
	if res := newbie.Get("/o/alpha"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "New Person") {
		t.Fatalf("after single sign-on: %d", res.StatusCode)
	}

	// A member of two organizations signed in by alpha's provider acts in alpha only.
	mgr := e.Anon()
	ssoSignIn(t, e, op, mgr, "/login/sso/alpha?next=%2Fo%2Falpha%2Fcontrols", "manager")
	if res := mgr.Get("/o/alpha/controls"); res.StatusCode != http.StatusOK {
		t.Fatalf("alpha through its provider: %d", res.StatusCode)
	}
	if res := mgr.Get("/o/beta"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Text, "another organization") {
		t.Fatalf("beta through alpha's provider: %d", res.StatusCode)
	}
	if res := mgr.Get("/account"); strings.Contains(res.Text, "Org beta") {
		t.Fatal("the pages of a provider's session list the person's other organizations")
	}
	// Nor can it give the account a factor that works everywhere.
	if res := mgr.Post("/account/two-step/totp", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a provider's session set up an authenticator app: %d", res.StatusCode)
	}
	if res := mgr.Post("/account/passkeys/options", nil); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Text, "single sign-on") {
		t.Fatalf("a provider's session began registering a passkey: %d %s", res.StatusCode, res.Text)
	}

	// A callback replayed, or brought to another browser, is refused.
	c := e.Anon()
	back := op.SignIn(t, c.HTTP, c.URL("/login/sso/alpha"), "newbie", "verysecure")
	other := e.Anon()
	if res := other.Get(back.Path + "?" + back.RawQuery); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Text, "did not start in this browser") {
		t.Fatalf("callback in another browser: %d", res.StatusCode)
	}
	if res := c.Get(back.Path + "?" + back.RawQuery); !res.RedirectsTo("/o/alpha") {
		t.Fatalf("callback: %d", res.StatusCode)
	}
	c.HTTP.Jar.SetCookies(mustURL(c.URL("/login")), []*http.Cookie{{Name: "attest_sso", Value: back.Query().Get("state"), Path: "/login"}})
	if res := c.Get(back.Path + "?" + back.RawQuery); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Text, "already used") {
		t.Fatalf("replayed callback: %d", res.StatusCode)
	}

	// Requiring single sign-on, with the admin as break-glass (two-step first).
	if res := admin.Post("/o/alpha/settings/sso/require", url.Values{"require_sso": {"on"}, "break_glass": {fmt.Sprint(e.Users["admin"].ID)}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("break-glass without two-step: %d", res.StatusCode)
	}
	setUpTOTP(t, e, admin)
	if res := admin.Post("/o/alpha/settings/sso/require", url.Values{"require_sso": {"on"}, "break_glass": {fmt.Sprint(e.Users["admin"].ID)}}); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("require: %d %s", res.StatusCode, res.Text)
	}
	employee := e.Login("employee")
	if res := employee.Get("/o/alpha/tasks"); !res.RedirectsTo("/login/sso/alpha?next=%2Fo%2Falpha%2Ftasks") {
		t.Fatalf("a password session under the rule: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := admin.Get("/o/alpha/settings"); res.StatusCode != http.StatusOK {
		t.Fatalf("the break-glass admin: %d", res.StatusCode)
	}
	if res := newbie.Get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("a provider session under the rule: %d", res.StatusCode)
	}
	acts := admin.Get("/o/alpha/activity").Text
	for _, want := range []string{"sso.configured", "org.sso_required", "joined as employee through single sign-on", "signed in through single sign-on"} {
		if !strings.Contains(acts, want) {
			t.Errorf("activity log lacks %q", want)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
