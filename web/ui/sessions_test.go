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
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestLoginLogoutAndCookies(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Anon()
	if res := c.Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {"wrong password"}}); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.Text, "The email or password is incorrect.") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	// Unknown accounts get the same answer as wrong passwords.
	if res := c.Post("/login", url.Values{"email": {"nobody@alpha.test"}, "password": {"x"}}); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.Text, "The email or password is incorrect.") {
		t.Fatalf("unknown account: %d", res.StatusCode)
	}
	// A pre-set cookie is never adopted as the session (no fixation).
	u, _ := url.Parse(e.TS.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "attest_session", Value: "attacker-chosen"}})
	res := c.Post("/login", url.Values{"email": {"ADMIN@alpha.test"}, "password": {webtest.Password}, "next": {"//evil.example/x"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: %d to %q (an off-site next must be ignored)", res.StatusCode, res.Header.Get("Location"))
	}
	var sess *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "attest_session" {
			sess = ck
		}
	}
	if sess == nil || sess.Value == "attacker-chosen" || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure {
		t.Fatalf("session cookie: %+v", sess)
	}
	if res := c.Get("/"); !res.RedirectsTo("/o/alpha") {
		t.Fatalf("home for a one-org user: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.Get("/o/alpha"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Org alpha") {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	if res := c.Post("/logout", nil); !res.RedirectsTo("/login") {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	// The old cookie is dead on the server, not just cleared in the browser.
	replay := e.Anon()
	replay.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "attest_session", Value: sess.Value}})
	if res := replay.Get("/o/alpha"); !res.RedirectsTo("/login?next=") {
		t.Fatalf("session survived logout: %d", res.StatusCode)
	}
}

func TestLoginNextIsLocalOnly(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for next, want := range map[string]string{"/o/alpha/tokens": "/o/alpha/tokens", "https://evil.example": "/", "/\\evil.example": "/", "": "/"} {
		res := e.Anon().Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {webtest.Password}, "next": {next}})
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next=%q redirected to %q, want %q", next, got, want)
		}
	}
}

func TestLoginThrottling(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Anon()
	for i := range 5 {
		if res := c.Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {fmt.Sprint("guess", i)}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	// Locked: even the right password is refused, with a Retry-After.
	res := c.Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {webtest.Password}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Text, "Too many failed sign-in attempts") {
		t.Fatalf("locked account: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Another account from the same address is not yet locked (per-account limit)...
	if res := c.Post("/login", url.Values{"email": {"manager@alpha.test"}, "password": {webtest.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: %d", res.StatusCode)
	}
	// ...and the lock lifts once the window passes.
	e.Clock.Advance(16 * time.Minute)
	if res := e.Anon().Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {webtest.Password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
}

func TestLoginThrottlingPerAddress(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Anon()
	for i := range 20 { // spraying many accounts from one address
		c.Post("/login", url.Values{"email": {fmt.Sprintf("user%d@alpha.test", i)}, "password": {"x"}})
	}
	if res := c.Post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {webtest.Password}}); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("address not throttled: %d", res.StatusCode)
	}
}

func TestSessionExpiresWhenIdle(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	c := e.Login("manager")
	e.Clock.Advance(11 * time.Hour)
	if res := c.Get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("within idle limit: %d", res.StatusCode)
	}
	e.Clock.Advance(11 * time.Hour) // 11h since last use: still within the sliding 12h
	if res := c.Get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("sliding expiry: %d", res.StatusCode)
	}
	e.Clock.Advance(13 * time.Hour)
	if res := c.Get("/o/alpha"); !res.RedirectsTo("/login?next=%2Fo%2Falpha") {
		t.Fatalf("idle session accepted: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSetupLinkCreatesFirstOrgOnce(t *testing.T) {
	e := webtest.NewBare(t, store.SQLite)
	secret, spare := e.SetupSecret(), e.SetupSecret()
	c := e.Anon()
	if res := c.Get("/setup?token=" + secret); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Create organization") {
		t.Fatalf("setup page: %d", res.StatusCode)
	}
	if res := c.Get("/setup?token=wrong"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("bad token: %d", res.StatusCode)
	}
	form := url.Values{"token": {secret}, "org_name": {"Gamma Inc"}, "org_slug": {"Gamma Inc"}, "name": {"Gia"}, "email": {"gia@gamma.test"}, "password": {"short"}}
	res := c.Post("/setup", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Password must be at least 10 characters") {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	form.Set("password", webtest.Password)
	res = c.Post("/setup", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="e-org_slug">Short name use 1`).MatchString(res.Text) {
		t.Fatalf("bad slug message not beside its field: %d %s", res.StatusCode, res.Text)
	}
	form.Set("org_slug", "gamma")
	if res := c.Post("/setup", form); !res.RedirectsTo("/o/gamma") {
		t.Fatalf("setup: %d %s", res.StatusCode, res.Text)
	}
	if res := c.Get("/o/gamma/settings"); res.StatusCode != http.StatusOK {
		t.Fatalf("new admin cannot open settings: %d", res.StatusCode)
	}
	if res := e.Anon().Post("/setup", form); res.StatusCode != http.StatusNotFound {
		t.Fatalf("setup link reused: %d", res.StatusCode)
	}
	// Another link printed before set-up stops working once an admin exists.
	form.Set("token", spare)
	form.Set("org_slug", "delta")
	if res := e.Anon().Get("/setup?token=" + spare); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Text, "already set up") {
		t.Fatalf("stale link page: %d", res.StatusCode)
	}
	if res := e.Anon().Post("/setup", form); res.StatusCode != http.StatusNotFound {
		t.Fatalf("stale setup link created a second organization: %d", res.StatusCode)
	}
	org, _ := e.DB.OrgBySlug(ctx, "gamma")
	acts, _ := e.DB.Activity(ctx, org.ID, attest.ActivityFilter{})
	if len(acts) != 1 || acts[0].Action != "org.created" || acts[0].ActorLabel != "gia@gamma.test" {
		t.Fatalf("activity: %+v", acts)
	}
}

func TestInvitationFlow(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			admin := e.Login("admin")
			res := admin.Post("/o/alpha/invitations", url.Values{"email": {"New.Person@Example.com"}, "role": {"manager"}})
			link := regexp.MustCompile(`<code id="invite-link">http://attest.test(/invitations/[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.Text)
			if res.StatusCode != http.StatusCreated || link == nil {
				t.Fatalf("invite: %d %s", res.StatusCode, res.Text)
			}
			if res := admin.Post("/o/alpha/invitations", url.Values{"email": {"manager@alpha.test"}, "role": {"admin"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.Text, "already a member") {
				t.Fatalf("inviting a member: %d", res.StatusCode)
			}
			if res := admin.Post("/o/alpha/invitations", url.Values{"email": {"x@y.test"}, "role": {"owner"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad role: %d", res.StatusCode)
			}

			guest := e.Anon()
			if res := guest.Get(link[1]); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "new.person@example.com") {
				t.Fatalf("invitation page: %d", res.StatusCode)
			}
			if res := guest.Post(link[1], url.Values{"name": {"New Person"}, "password": {"short"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("short password accepted: %d", res.StatusCode)
			}
			if res := guest.Post(link[1], url.Values{"name": {"New Person"}, "password": {webtest.Password}}); !res.RedirectsTo("/o/alpha") {
				t.Fatalf("accept: %d %s", res.StatusCode, res.Text)
			}
			if res := guest.Get("/o/alpha/controls"); res.StatusCode != http.StatusOK {
				t.Fatalf("new manager cannot read: %d", res.StatusCode)
			}
			if res := guest.Get("/o/alpha/settings"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("new manager reached settings: %d", res.StatusCode)
			}
			if res := e.Anon().Get(link[1]); res.StatusCode != http.StatusNotFound {
				t.Fatalf("used link still open: %d", res.StatusCode)
			}

			// An existing user must sign in to accept; the membership is added to theirs.
			res = admin.Post("/o/alpha/invitations", url.Values{"email": {"outsider@beta.test"}, "role": {"auditor"}})
			link = regexp.MustCompile(`http://attest.test(/invitations/[A-Za-z0-9_-]+)`).FindStringSubmatch(res.Text)
			res = e.Anon().Post(link[1], nil)
			loc, _ := url.Parse(res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther || loc.Path != "/login" || loc.Query().Get("next") != link[1] || loc.Query().Get("email") != "outsider@beta.test" {
				t.Fatalf("existing user not sent to sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if res := e.Login("employee").Post(link[1], nil); res.StatusCode != http.StatusForbidden {
				t.Fatalf("someone else accepted: %d", res.StatusCode)
			}
			outsider := e.Login("outsider")
			if res := outsider.Post(link[1], nil); !res.RedirectsTo("/o/alpha") {
				t.Fatalf("existing user accept: %d", res.StatusCode)
			}
			if res := outsider.Get("/"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Org alpha") || !strings.Contains(res.Text, "Org beta") {
				t.Fatalf("org chooser: %d", res.StatusCode)
			}

			// Expired links do not work.
			res = admin.Post("/o/alpha/invitations", url.Values{"email": {"late@x.test"}, "role": {"employee"}})
			link = regexp.MustCompile(`http://attest.test(/invitations/[A-Za-z0-9_-]+)`).FindStringSubmatch(res.Text)
			e.Clock.Advance(8 * 24 * time.Hour)
			if res := e.Anon().Get(link[1]); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Text, "expired") {
				t.Fatalf("expired invitation: %d", res.StatusCode)
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "member."})
			var got []string
			for _, a := range acts {
				got = append(got, a.Action)
			}
			if strings.Join(got, ",") != "member.invited,member.joined,member.invited,member.joined,member.invited" {
				t.Fatalf("activity: %v", got)
			}
		})
	}
}
