package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
)

// TestLoginLogout: a wrong password is refused with a message, the right one
// signs in, "Sign out" ends the session, and organization pages then send the
// visitor to the sign-in page and back again afterwards.
func TestLoginLogout(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	setUp(t, s, b.person())

	p := b.person() // another browser, not signed in
	loginButton := `form[action="/login"] button[type="submit"]`

	if st := p.open(s.Base + "/login"); st != http.StatusOK {
		t.Fatalf("GET /login: status %d", st)
	}
	st := p.submit(loginButton, "email", testAdmin.Email, "password", "not the password")
	if st != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if msg := p.text(`[role="alert"]`); msg != "The email or password is incorrect." {
		t.Errorf("wrong password: message %q", msg)
	}
	if loc := p.location(); loc != s.Base+"/login" {
		t.Errorf("wrong password: browser at %s, want the sign-in page", loc)
	}
	if n := p.count(".sidebar"); n != 0 {
		t.Errorf("wrong password: the page has a sidebar, as if signed in")
	}

	signIn(t, s, p, testAdmin)
	if h1 := p.text("main h1"); h1 != testOrg.Name {
		t.Errorf("dashboard heading %q, want %q", h1, testOrg.Name)
	}

	// The session cookie is kept from scripts and from other sites' posts.
	ck := p.cookie(s.Base, "attest_session")
	if ck == nil {
		t.Fatal("no attest_session cookie after signing in")
	}
	if !ck.HTTPOnly || ck.SameSite != network.CookieSameSiteLax {
		t.Errorf("session cookie HttpOnly=%v SameSite=%q, want HttpOnly and Lax", ck.HTTPOnly, ck.SameSite)
	}
	dashboard := s.Base + "/o/" + testOrg.Slug
	stolen := http.Header{"Cookie": {"attest_session=" + ck.Value}}
	if code, _ := httpGet(t, dashboard, stolen); code != http.StatusOK {
		t.Fatalf("the session cookie replayed outside the browser: status %d, want 200", code)
	}

	if st := p.submit(`form[action="/logout"] button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("sign out: status %d", st)
	}
	if loc := p.location(); loc != s.Base+"/login" {
		t.Errorf("after signing out the browser is at %s, want %s/login", loc, s.Base)
	}
	if flash := p.text(".flash"); !strings.Contains(flash, "signed out") {
		t.Errorf("after signing out the flash says %q", flash)
	}

	if ck := p.cookie(s.Base, "attest_session"); ck != nil {
		t.Errorf("the browser still holds a session cookie after signing out")
	}
	// Signing out ends the session on the server too, so a copy of the cookie is useless.
	if code, _ := httpGet(t, dashboard, stolen); code != http.StatusSeeOther {
		t.Errorf("the signed-out session cookie replayed outside the browser: status %d, want 303 to the sign-in page", code)
	}

	// The old session is gone: an organization page sends the visitor to sign in…
	p.open(s.Base + "/o/" + testOrg.Slug + "/tokens")
	wantLogin := s.Base + "/login?next=" + url.QueryEscape("/o/"+testOrg.Slug+"/tokens")
	if loc := p.location(); loc != wantLogin {
		t.Fatalf("an organization page after signing out is at %s, want %s", loc, wantLogin)
	}
	if h1 := p.text("main h1"); h1 != "Sign in" {
		t.Errorf("heading %q, want Sign in", h1)
	}
	p.open(s.Base + "/o/" + testOrg.Slug)
	if loc := p.location(); !strings.HasPrefix(loc, s.Base+"/login?") {
		t.Errorf("the dashboard after signing out is at %s, want the sign-in page", loc)
	}

	// …and back to where they were going once they do.
	p.open(wantLogin)
	p.submit(loginButton, "email", testAdmin.Email, "password", testAdmin.Password)
	if loc, want := p.location(), s.Base+"/o/"+testOrg.Slug+"/tokens"; loc != want {
		t.Errorf("after signing in from a redirect the browser is at %s, want %s", loc, want)
	}
}
