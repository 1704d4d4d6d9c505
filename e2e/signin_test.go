package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/sso/oidctest"
)

// check ticks a checkbox (submit sets values, which does not check a box).
func (p *tab) check(sel string) {
	p.t.Helper()
	p.mustHave(sel)
	checked, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`).checked`))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	if !checked {
		if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			p.t.Fatalf("check %s: %v", sel, err)
		}
	}
}

// waitAt waits until the tab's address starts with prefix (a page that
// moves on by itself), failing the test after a while.
func (p *tab) waitAt(prefix string) {
	p.t.Helper()
	deadline := time.Now().Add(testTimeout / 2)
	for time.Now().Before(deadline) {
		// The address changes as soon as the navigation commits, before
		// the new document is parsed: wait until it has loaded.
		if strings.HasPrefix(p.location(), prefix) && p.loaded() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("the browser stayed at %s, want %s…", p.location(), prefix)
}

// loaded reports whether the current document has finished loading.
func (p *tab) loaded() bool {
	p.t.Helper()
	state, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.readyState`))
	return err == nil && state == "complete"
}

// TestTwoStepInTheBrowser: an admin sets up an authenticator app from the
// QR code page, requires two-step of everyone, a manager with a password
// alone is sent to set it up, and signing in then takes a code: a wrong one
// is refused, a right one lands on the dashboard, and a recovery code works
// once.
func TestTwoStepInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	mustStaffedOrg(t, s.App.DB)
	slug := testOrg.Slug

	admin := b.person()
	signIn(t, s, admin, testAdmin)
	admin.open(s.Base + "/account")
	if st := admin.submit(`a[href="/account/two-step"]`); st != http.StatusOK {
		t.Fatalf("two-step page: %d", st)
	}
	if st := admin.submit(`form[action="/account/two-step/totp"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("start set-up: %d", st)
	}
	admin.mustHave(`img[alt="QR code for setting up an authenticator app"]`)
	secret := admin.text("#totp-secret")
	if len(secret) != 32 {
		t.Fatalf("secret shown %q", secret)
	}
	code, _ := auth.TOTPCode(secret, time.Now())
	if st := admin.submit(`form[action="/account/two-step/confirm"] button[type="submit"]`, "code", code); st != http.StatusOK {
		t.Fatalf("confirm: %d; page:\n%s", st, admin.body())
	}
	if n := admin.count("#recovery-codes li code"); n != 10 {
		t.Fatalf("%d recovery codes shown, want 10", n)
	}
	recovery := admin.text("#recovery-codes li code")

	// Requiring it of everyone.
	admin.open(s.Base + "/o/" + slug + "/settings")
	admin.check(`input[name="require_mfa"]`)
	if st := admin.submit(`form[action="/o/` + slug + `/settings/two-step"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("require: %d", st)
	}
	if flash := admin.text(".flash"); !strings.Contains(flash, "now need two-step verification") {
		t.Fatalf("after requiring: %q", flash)
	}

	// A manager with a password alone is sent to set up an app.
	mgr := b.person()
	mgr.open(s.Base + "/login")
	mgr.submit(`form[action="/login"] button[type="submit"]`, "email", testManager.Email, "password", testManager.Password)
	if loc := mgr.location(); loc != s.Base+"/account/two-step?required="+slug {
		t.Fatalf("the manager landed at %s", loc)
	}
	if msg := mgr.text("#required-by"); !strings.Contains(msg, testOrg.Name+" requires two-step verification") {
		t.Fatalf("banner %q", msg)
	}

	// Signing in again takes a code from the app.
	again := b.person()
	again.open(s.Base + "/login")
	again.submit(`form[action="/login"] button[type="submit"]`, "email", testAdmin.Email, "password", testAdmin.Password)
	if loc := again.location(); !strings.HasPrefix(loc, s.Base+"/login/verify") {
		t.Fatalf("after the password the browser is at %s", loc)
	}
	if ck := again.cookie(s.Base, "attest_session"); ck != nil {
		t.Fatal("a session cookie after the password alone")
	}
	verify := `form[action="/login/verify"] button[type="submit"]`
	if st := again.submit(verify, "code", "000000"); st != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", st)
	}
	// The code used to confirm the app cannot be used again: the next one can.
	next, _ := auth.TOTPCode(secret, time.Now().Add(30*time.Second))
	if st := again.submit(verify, "code", next); st != http.StatusOK {
		t.Fatalf("right code: %d; page:\n%s", st, again.body())
	}
	if loc := again.location(); loc != s.Base+"/o/"+slug {
		t.Fatalf("after the code the browser is at %s", loc)
	}

	// A recovery code, once.
	rc := b.person()
	rc.open(s.Base + "/login")
	rc.submit(`form[action="/login"] button[type="submit"]`, "email", testAdmin.Email, "password", testAdmin.Password)
	if st := rc.submit(verify, "code", recovery); st != http.StatusOK || rc.location() != s.Base+"/o/"+slug {
		t.Fatalf("recovery code: %d at %s", st, rc.location())
	}
	rc2 := b.person()
	rc2.open(s.Base + "/login")
	rc2.submit(`form[action="/login"] button[type="submit"]`, "email", testAdmin.Email, "password", testAdmin.Password)
	if st := rc2.submit(verify, "code", recovery); st != http.StatusUnauthorized {
		t.Fatalf("a used recovery code: %d", st)
	}
}

// TestSingleSignOnInTheBrowser: an organization signs in through its OpenID
// Connect provider (zitadel/oidc's, on loopback): a new person follows
// "Sign in with single sign-on", signs in at the provider and lands on the
// dashboard as an employee; with single sign-on required, a password
// session is sent to the provider, while the break-glass admin, with
// two-step verification, still signs in with a password and a code; the
// provider's wrong password keeps the person out.
func TestSingleSignOnInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	st := mustStaffedOrg(t, s.App.DB)
	slug := testOrg.Slug
	op := oidctest.Start(t, s.Base+"/login/oidc/callback",
		oidctest.User{ID: "1", Username: "nina", Password: "verysecure", FirstName: "Nina", LastName: "New", Email: "nina@acme.test", EmailVerified: true},
		oidctest.User{ID: "2", Username: "emma", Password: "verysecure", Email: testEmployee.Email, EmailVerified: true})
	ctx := t.Context()
	admin := attest.Principal{UserID: st.Admin.ID, Label: st.Admin.Email, OrgID: st.Org.ID, Role: attest.RoleAdmin, Via: attest.ViaUI}
	if _, err := s.App.Services.SSO.Configure(ctx, admin, attest.SSOConfig{Issuer: op.Issuer, ClientID: oidctest.ClientID,
		Domains: []string{"acme.test"}, DefaultRole: attest.RoleEmployee, Enabled: true}, oidctest.ClientSecret); err != nil {
		t.Fatal(err)
	}

	// "Sign in with single sign-on", the organization's short name, the provider's page.
	p := b.person()
	p.open(s.Base + "/login")
	p.submit("#sso-link")
	p.submit(`form[action="/login/sso"] button[type="submit"]`, "org", slug)
	providerLogin := strings.TrimSuffix(op.Issuer, "/") + "/login/username"
	p.waitAt(providerLogin)
	p.submit(`form[action="/login/username"] button[type="submit"]`, "username", "nina", "password", "wrong")
	if !strings.HasPrefix(p.location(), strings.TrimSuffix(op.Issuer, "/")) || p.cookie(s.Base, "attest_session") != nil {
		t.Fatalf("a wrong password at the provider let Nina in: %s", p.location())
	}
	if code := p.submit(`form[action="/login/username"] button[type="submit"]`, "username", "nina", "password", "verysecure"); code != http.StatusOK {
		t.Fatalf("provider sign-in: %d; page:\n%s", code, p.body())
	}
	p.waitAt(s.Base + "/o/" + slug)
	if loc := p.location(); loc != s.Base+"/o/"+slug {
		t.Fatalf("after the provider the browser is at %s; page:\n%s", loc, p.body())
	}
	if h1 := p.text("main h1"); h1 != testOrg.Name {
		t.Fatalf("dashboard heading %q", h1)
	}

	// Requiring single sign-on, with the admin as break-glass (who needs two-step).
	en, err := s.App.Services.Users.StartTOTP(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(en.Secret, time.Now())
	if _, err := s.App.Services.Users.ConfirmTOTP(ctx, admin, "", code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Services.SSO.Require(ctx, admin, true, st.Admin.ID); err != nil {
		t.Fatal(err)
	}

	// Emma's password session is sent to the provider, and comes back signed in.
	emma := b.person()
	emma.open(s.Base + "/login")
	emma.submit(`form[action="/login"] button[type="submit"]`, "email", testEmployee.Email, "password", testEmployee.Password)
	emma.waitAt(providerLogin) // a password session under the rule is sent to the provider
	emma.submit(`form[action="/login/username"] button[type="submit"]`, "username", "emma", "password", "verysecure")
	// The provider's answer goes through the callback to the dashboard: wait
	// for the end of that chain rather than read the address mid-redirect.
	emma.waitAt(s.Base + "/o/" + slug)
	if loc := emma.location(); loc != s.Base+"/o/"+slug {
		t.Fatalf("Emma after the provider is at %s", loc)
	}

	// The break-glass admin: password, then a code.
	bg := b.person()
	bg.open(s.Base + "/login")
	bg.submit(`form[action="/login"] button[type="submit"]`, "email", testAdmin.Email, "password", testAdmin.Password)
	next, _ := auth.TOTPCode(en.Secret, time.Now().Add(30*time.Second))
	if code := bg.submit(`form[action="/login/verify"] button[type="submit"]`, "code", next); code != http.StatusOK || bg.location() != s.Base+"/o/"+slug {
		t.Fatalf("break-glass admin: %d at %s", code, bg.location())
	}
	bg.open(s.Base + "/o/" + slug + "/activity")
	for _, want := range []string{"signed in through single sign-on", "joined as employee through single sign-on", "org.sso_required"} {
		if !strings.Contains(bg.body(), want) {
			t.Errorf("activity log lacks %q", want)
		}
	}
}
