package e2e

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/store"
)

// startNamedServer is startServer reached as http://localhost:PORT: WebAuthn
// binds passkeys to a domain, and refuses an IP address.
func startNamedServer(t *testing.T) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	a, _ := launch(t, store.SQLite, false, func(c *app.Config) {
		c.Addr, c.BaseURL = fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("http://localhost:%d", port)
	})
	return &server{App: a, Base: a.URL}
}

// authenticator gives the tab a virtual platform authenticator (Chromium's
// DevTools WebAuthn domain) that verifies its user, and returns its ID.
func (p *tab) authenticator(verified bool) webauthn.AuthenticatorID {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		p.t.Fatalf("WebAuthn.enable: %v", err)
	}
	res, err := chromedp.Call(p.ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: verified, AutomaticPresenceSimulation: true}})
	if err != nil {
		p.t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
	return res.AuthenticatorID
}

// press clicks a button that runs script (no form), and waits until the
// browser has loaded a new page at an address starting with prefix: the page
// it clicked on is marked, so that staying on it does not count.
func (p *tab) press(sel, prefix string) {
	p.t.Helper()
	p.mustHave(sel)
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`window.attestPressed = true`)); err != nil {
		p.t.Fatalf("mark the page: %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
	deadline := time.Now().Add(testTimeout / 2)
	for time.Now().Before(deadline) {
		fresh, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && window.attestPressed === undefined`))
		if err == nil && fresh && strings.HasPrefix(p.location(), prefix) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("after clicking %s the browser is at %s, want a new page at %s…; the page says:\n%s", sel, p.location(), prefix, p.body())
}

// waitText waits until the element sel shows text containing want.
func (p *tab) waitText(sel, want string) {
	p.t.Helper()
	deadline := time.Now().Add(testTimeout / 2)
	for time.Now().Before(deadline) {
		if p.count(sel) > 0 && strings.Contains(p.text(sel), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("no %s says %q; the page says:\n%s", sel, want, p.body())
}

// TestPasskeysInTheBrowser: with Chromium's virtual authenticator, a person
// adds two passkeys and names one, signs in with a password and a passkey,
// then with a passkey alone; a passkey whose user is not verified cannot
// sign in alone; removing a passkey asks for the password.
func TestPasskeysInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startNamedServer(t)
	mustStaffedOrg(t, s.App.DB)
	slug := testOrg.Slug

	p := b.person()
	p.open(s.Base + "/login")
	laptop := p.authenticator(true)
	signIn(t, s, p, testAdmin)
	p.open(s.Base + "/account/two-step")
	if err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS("#passkey-name"), "Laptop")); err != nil {
		t.Fatal(err)
	}
	p.press(`[data-passkey="register"]`, s.Base+"/account/two-step")
	p.waitText(".flash", "Passkey added: Laptop.")
	p.mustHave(`tr[data-passkey-name="Laptop"]`)
	p.mustHave("#no-recovery-codes")

	// A second authenticator (a security key) is a second passkey; the
	// first is excluded, so the browser uses the new one.
	if _, err := chromedp.Call(p.ctx, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: laptop}); err != nil {
		t.Fatal(err)
	}
	key := p.authenticator(true)
	if err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS("#passkey-name"), "Security key")); err != nil {
		t.Fatal(err)
	}
	p.press(`[data-passkey="register"]`, s.Base+"/account/two-step")
	p.waitText(".flash", "Passkey added: Security key.")
	if n := p.count(`tr[data-passkey-name]`); n != 2 {
		t.Fatalf("%d passkeys listed, want 2", n)
	}
	if err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(`tr[data-passkey-name="Security key"] input[name="name"]`), "YubiKey")); err != nil {
		t.Fatal(err)
	}
	if st := p.submit(`tr[data-passkey-name="Security key"] form[action$="/rename"] button`); st != http.StatusOK {
		t.Fatalf("rename: %d", st)
	}
	p.mustHave(`tr[data-passkey-name="YubiKey"]`)

	signOut := func() {
		p.t.Helper()
		p.open(s.Base + "/o/" + slug)
		p.submit(`form[action="/logout"] button[type="submit"]`)
	}

	// Password, then the passkey as the second step.
	signOut()
	p.open(s.Base + "/login")
	p.submit(`form[action="/login"] button[type="submit"]`, "email", testAdmin.Email, "password", testAdmin.Password)
	if loc := p.location(); !strings.HasPrefix(loc, s.Base+"/login/verify") {
		t.Fatalf("after the password: %s", loc)
	}
	p.press("#use-passkey", s.Base+"/o/"+slug)
	p.open(s.Base + "/account/two-step")
	if !strings.Contains(p.body(), "Password and passkey") {
		t.Fatal("the session's method is not a password and a passkey")
	}

	// A passkey alone, from the sign-in page.
	signOut()
	p.open(s.Base + "/login")
	p.press("#passkey-sign-in", s.Base+"/o/"+slug)

	// A passkey whose user is not verified (no PIN or biometrics) cannot sign in alone.
	signOut()
	if _, err := chromedp.Call(p.ctx, webauthn.SetUserVerified, webauthn.SetUserVerifiedParams{AuthenticatorID: key, IsUserVerified: false}); err != nil {
		t.Fatal(err)
	}
	p.open(s.Base + "/login")
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS("#passkey-sign-in"))); err != nil {
		t.Fatal(err)
	}
	p.waitText("#passkey-status", "No passkey was used")
	if p.cookie(s.Base, "attest_session") != nil {
		t.Fatal("an unverified passkey signed in alone")
	}
	if _, err := chromedp.Call(p.ctx, webauthn.SetUserVerified, webauthn.SetUserVerifiedParams{AuthenticatorID: key, IsUserVerified: true}); err != nil {
		t.Fatal(err)
	}
	p.press("#passkey-sign-in", s.Base+"/o/"+slug)

	// Removing asks for the password.
	p.open(s.Base + "/account/two-step")
	setPassword := func(pw string) {
		if err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(`tr[data-passkey-name="Laptop"] input[name="password"]`), pw)); err != nil {
			t.Fatal(err)
		}
	}
	setPassword("wrong")
	if st := p.submit(`tr[data-passkey-name="Laptop"] form[action$="/remove"] button`); st != http.StatusUnprocessableEntity {
		t.Fatalf("remove with a wrong password: %d", st)
	}
	setPassword(testAdmin.Password)
	if st := p.submit(`tr[data-passkey-name="Laptop"] form[action$="/remove"] button`); st != http.StatusOK {
		t.Fatalf("remove: %d", st)
	}
	if n := p.count(`tr[data-passkey-name]`); n != 1 {
		t.Fatalf("%d passkeys after removing one, want 1", n)
	}
	p.open(s.Base + "/o/" + slug + "/activity")
	for _, want := range []string{"user.passkey_added", "user.passkey_removed", "signed in with a passkey (YubiKey)", "signed in with a password and a passkey (YubiKey)"} {
		if !strings.Contains(p.body(), want) {
			t.Errorf("activity log lacks %q", want)
		}
	}
}
