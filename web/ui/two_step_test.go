package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

var (
	secretRE       = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	recoveryCodeRE = regexp.MustCompile(`<li><code>([0-9a-z]{6}-[0-9a-z]{6})</code></li>`)
)

// setUpTOTP turns two-step on for a signed-in client through the pages, and
// returns the app's secret and the recovery codes shown.
func setUpTOTP(t *testing.T, e *webtest.Env, c *webtest.Client) (string, []string) {
	t.Helper()
	if res := c.Post("/account/two-step/totp", nil); !res.RedirectsTo("/account/two-step") {
		t.Fatalf("start: %d", res.StatusCode)
	}
	page := c.Get("/account/two-step")
	m := secretRE.FindStringSubmatch(page.Text)
	if m == nil || !strings.Contains(page.Text, `src="data:image/png;base64,`) || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("set-up page shows no secret or QR code: %.2000s", page.Text)
	}
	if res := c.Post("/account/two-step/confirm", url.Values{"code": {"123456"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "is not the current code") {
		t.Fatalf("wrong code: %d", res.StatusCode)
	}
	code, _ := auth.TOTPCode(m[1], e.Clock.Now())
	res := c.Post("/account/two-step/confirm", url.Values{"code": {code}})
	var codes []string
	for _, c := range recoveryCodeRE.FindAllStringSubmatch(res.Text, -1) {
		codes = append(codes, c[1])
	}
	if res.StatusCode != http.StatusOK || len(codes) != 10 || !strings.Contains(res.Text, "shown only once") {
		t.Fatalf("confirm: %d, %d codes", res.StatusCode, len(codes))
	}
	if again := c.Get("/account/two-step"); recoveryCodeRE.MatchString(again.Text) || !strings.Contains(again.Text, "10 recovery codes left") {
		t.Fatal("recovery codes shown a second time, or not counted")
	}
	return m[1], codes
}

func TestTwoStepThroughThePages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	manager := e.Login("manager")
	managerAPI, _ := e.Token(e.Alpha, "manager")

	// An admin without two-step cannot require it.
	if res := admin.Post("/o/alpha/settings/two-step", url.Values{"require_mfa": {"on"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "once you have set up two-step verification yourself") {
		t.Fatalf("required without two-step: %d", res.StatusCode)
	}
	secret, codes := setUpTOTP(t, e, admin)
	if res := admin.Post("/o/alpha/settings/two-step", url.Values{"require_mfa": {"on"}}); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("require: %d %s", res.StatusCode, res.Text)
	}
	// The admin's session proved the app when it was set up, so it goes on.
	settings := admin.Get("/o/alpha/settings")
	if settings.StatusCode != http.StatusOK || !strings.Contains(settings.Text, `name="require_mfa" value="on" checked`) ||
		!strings.Contains(settings.Text, `<td class="two-step">Authenticator app</td>`) {
		t.Fatalf("settings after requiring: %d", settings.StatusCode)
	}

	// The manager's password session is sent to set up an app, on every
	// organization page; their own pages and API tokens still work.
	res := manager.Get("/o/alpha/controls")
	if !res.RedirectsTo("/account/two-step?required=alpha") {
		t.Fatalf("password session on an organization page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := manager.Get("/account/two-step?required=alpha"); !strings.Contains(page.Text, "Org alpha requires two-step verification") {
		t.Fatal("the set-up page does not say who requires it")
	}
	if page := e.Login("outsider").Get("/account/two-step?required=alpha"); strings.Contains(page.Text, "Org alpha") {
		t.Fatal("the set-up page named an organization to a non-member")
	}
	if res := e.API("GET", "/orgs/alpha", managerAPI, nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `"require_mfa": true`) {
		t.Fatalf("API token under the rule: %d %s", res.StatusCode, res.Text)
	}
	e.Clock.Advance(time.Minute) // the admin's code above cannot be replayed by the manager's set-up
	setUpTOTP(t, e, manager)
	if res := manager.Get("/o/alpha/controls"); res.StatusCode != http.StatusOK {
		t.Fatalf("after setting up: %d", res.StatusCode)
	}

	// Signing in again takes the second step; the password alone gives no session.
	e.Clock.Advance(time.Minute)
	c := e.Anon()
	res = c.Post("/login", url.Values{"email": {e.Users["admin"].Email}, "password": {webtest.Password}, "next": {"/o/alpha/tasks"}})
	if !res.RedirectsTo("/login/verify?next=%2Fo%2Falpha%2Ftasks") {
		t.Fatalf("password step: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "attest_session" {
			t.Fatal("a session cookie after the password alone")
		}
	}
	if res := c.Get("/o/alpha/tasks"); !res.RedirectsTo("/login?next=") {
		t.Fatalf("between the steps: %d", res.StatusCode)
	}
	if res := c.Post("/login/verify", url.Values{"code": {"000000"}, "next": {"/o/alpha/tasks"}}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Text, "not right") {
		t.Fatalf("wrong code: %d", res.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, e.Clock.Now())
	if res := c.Post("/login/verify", url.Values{"code": {code}, "next": {"/o/alpha/tasks"}}); !res.RedirectsTo("/o/alpha/tasks") {
		t.Fatalf("right code: %d %s", res.StatusCode, res.Text)
	}
	if res := c.Get("/o/alpha/tasks"); res.StatusCode != http.StatusOK {
		t.Fatalf("after the second step: %d", res.StatusCode)
	}
	// A recovery code works in place of the app.
	r := e.Anon()
	r.Post("/login", url.Values{"email": {e.Users["admin"].Email}, "password": {webtest.Password}})
	if res := r.Post("/login/verify", url.Values{"code": {codes[3]}}); !res.RedirectsTo("/") {
		t.Fatalf("recovery code: %d", res.StatusCode)
	}
	if page := r.Get("/account/two-step"); !strings.Contains(page.Text, "9 recovery codes left") || !strings.Contains(page.Text, "Password and recovery code") {
		t.Fatal("recovery code not counted, or the session's method not shown")
	}

	// The admin signs the manager out everywhere.
	if res := admin.Post(fmt.Sprintf("/o/alpha/members/%d/sessions/revoke", e.Users["manager"].ID), nil); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res := manager.Get("/account"); !res.RedirectsTo("/login?next=") {
		t.Fatalf("revoked session still works: %d", res.StatusCode)
	}
	acts := admin.Get("/o/alpha/activity").Text
	for _, want := range []string{"member.sessions_revoked", "org.mfa_required", "user.mfa_enrolled", "user.signin_failed", "user.signed_in"} {
		if !strings.Contains(acts, want) {
			t.Errorf("activity log lacks %s", want)
		}
	}

	// Turning the requirement off lets password sessions in again.
	if res := admin.Post("/o/alpha/settings/two-step", nil); !res.RedirectsTo("/o/alpha/settings") {
		t.Fatalf("turn off: %d", res.StatusCode)
	}
	if res := e.Login("employee").Get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("password session after the rule was lifted: %d", res.StatusCode)
	}
}
