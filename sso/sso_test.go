package sso

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/sso/oidctest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

var ctx = context.Background()

const baseURL = "http://127.0.0.1:9/attest" // never reached: the tests take the code from the provider's redirect

var people = []oidctest.User{
	{ID: "u-ada", Username: "ada", Password: "verysecure", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.test", EmailVerified: true},
	{ID: "u-bob", Username: "bob", Password: "verysecure", FirstName: "Bob", Email: "bob@acme.test", EmailVerified: true},
	{ID: "u-eve", Username: "eve", Password: "verysecure", Email: "eve@elsewhere.test", EmailVerified: true},
}

type env struct {
	db    *store.DB
	svc   *Service
	op    *oidctest.Provider
	org   attest.Organization
	admin attest.Principal
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	k, _ := secret.NewKey()
	box, _ := secret.New(k)
	users := &account.Users{DB: db, PasswordParams: auth.TestParams, Box: box}
	e := &env{db: db, svc: &Service{DB: db, Box: box, Users: users, BaseURL: baseURL}}
	e.op = oidctest.Start(t, e.svc.RedirectURI(), people...)
	e.org = storetest.MustOrg(t, db, "acme")
	admin := storetest.MustMember(t, db, e.org, attest.RoleAdmin, "admin@acme.test")
	e.admin = attest.Principal{UserID: admin.ID, Label: admin.Email, OrgID: e.org.ID, Role: attest.RoleAdmin, IP: "192.0.2.1", Via: attest.ViaUI}
	return e
}

func (e *env) configure(t *testing.T, cfg attest.SSOConfig) {
	t.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = e.op.Issuer
	}
	if cfg.ClientID == "" {
		cfg.ClientID = oidctest.ClientID
	}
	if cfg.Domains == nil {
		cfg.Domains = []string{"acme.test"}
	}
	cfg.Enabled = true
	if _, err := e.svc.Configure(ctx, e.admin, cfg, oidctest.ClientSecret); err != nil {
		t.Fatalf("configure: %v", err)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn starts a sign-in for slug, signs in at the provider as username, and
// returns the callback the provider sent back, as the browser that started it.
func (e *env) signIn(t *testing.T, slug, username string) Callback {
	t.Helper()
	to, state, err := e.svc.Start(ctx, slug, "")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if !strings.HasPrefix(to, strings.TrimSuffix(e.op.Issuer, "/")) || !strings.Contains(to, "code_challenge_method=S256") || !strings.Contains(to, "nonce=") {
		t.Fatalf("start sends the browser to %s: not the provider with PKCE and a nonce", to)
	}
	back := e.op.SignIn(t, browser(), to, username, "verysecure")
	if back.Path != "/attest"+CallbackPath {
		t.Fatalf("the provider sent the browser back to %s", back)
	}
	return Callback{State: back.Query().Get("state"), Code: back.Query().Get("code"), BrowserState: state, IP: "192.0.2.7", UserAgent: "test"}
}

func wantRefused(t *testing.T, err error, contains string) {
	t.Helper()
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(attest.ErrorMessage(err), contains) {
		t.Fatalf("want a refusal mentioning %q, got %v", contains, err)
	}
}

func TestSignInThroughTheProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.configure(t, attest.SSOConfig{DefaultRole: attest.RoleEmployee})

		// Someone new is admitted just in time with the default role.
		cb := e.signIn(t, "acme", "ada")
		done, err := e.svc.Finish(ctx, cb)
		if err != nil {
			t.Fatal(err)
		}
		if done.User.Email != "ada@acme.test" || done.User.Name != "Ada Lovelace" || done.Next != "/o/acme" || done.Session == "" {
			t.Fatalf("done: %+v", done)
		}
		m, err := db.Membership(ctx, e.org.ID, done.User.ID)
		if err != nil || m.Role != attest.RoleEmployee {
			t.Fatalf("membership: %+v %v", m, err)
		}
		sess, _, _ := e.svc.Users.Session(ctx, done.Session, "")
		if sess == nil || sess.Method != attest.MethodSSO || sess.SSOOrgID != e.org.ID {
			t.Fatalf("session: %+v", sess)
		}
		acts, _ := db.Activity(ctx, e.org.ID, attest.ActivityFilter{})
		if len(acts) < 2 || acts[0].Action != "user.signed_in" || !strings.Contains(acts[0].Summary, "through single sign-on") || acts[1].Action != "member.added" {
			t.Fatalf("activity: %+v", acts[:min(len(acts), 3)])
		}
		// The account has no password: a password sign-in never matches.
		if _, _, err := e.svc.Users.SignIn(ctx, account.Credentials{Email: "ada@acme.test", Password: "verysecure"}); err != account.ErrBadCredentials {
			t.Fatalf("password sign-in of a single sign-on account: %v", err)
		}

		// The state works once: the same callback again is refused.
		_, err = e.svc.Finish(ctx, cb)
		wantRefused(t, err, "expired or was already used")

		// A callback carried to another browser (login CSRF) is refused, and
		// does not use the sign-in up.
		cb = e.signIn(t, "acme", "ada")
		stolen := cb
		stolen.BrowserState = "another browser's state"
		_, err = e.svc.Finish(ctx, stolen)
		wantRefused(t, err, "did not start in this browser")
		again, err := e.svc.Finish(ctx, cb)
		if err != nil || again.User.ID != done.User.ID {
			t.Fatalf("the linked account signs in again: %+v %v", again, err)
		}

		// An existing member is linked by email and keeps their role.
		bob := storetest.MustMember(t, db, e.org, attest.RoleManager, "bob@acme.test")
		if d, err := e.svc.Finish(ctx, e.signIn(t, "acme", "bob")); err != nil || d.User.ID != bob.ID {
			t.Fatalf("existing member: %+v %v", d, err)
		}
		if m, _ := db.Membership(ctx, e.org.ID, bob.ID); m.Role != attest.RoleManager {
			t.Fatalf("existing member's role changed to %s", m.Role)
		}

		// A domain the organization does not accept. (This provider omits
		// email_verified when it is false, so TestEmailVerifiedClaim covers that.)
		_, err = e.svc.Finish(ctx, e.signIn(t, "acme", "eve"))
		wantRefused(t, err, "is not in a domain this organization accepts")
		if _, err := db.UserByEmail(ctx, "eve@elsewhere.test"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatal("a refused sign-in created an account")
		}
		acts, _ = db.Activity(ctx, e.org.ID, attest.ActivityFilter{Limit: 1})
		if acts[0].Action != "user.signin_failed" || !strings.Contains(acts[0].Summary, "eve@elsewhere.test is not in a domain") {
			t.Fatalf("refusal not logged: %+v", acts[0])
		}

		// The provider's own refusal is shown.
		cb = e.signIn(t, "acme", "ada")
		cb.Code, cb.Error, cb.ErrorText = "", "access_denied", "the user said no"
		_, err = e.svc.Finish(ctx, cb)
		wantRefused(t, err, "access_denied the user said no")
		// A forged code is refused by the provider.
		cb = e.signIn(t, "acme", "ada")
		cb.Code = "forged"
		_, err = e.svc.Finish(ctx, cb)
		wantRefused(t, err, "did not accept the sign-in code")
	})
}

func TestOnlyMembersWithoutADefaultRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.configure(t, attest.SSOConfig{}) // no default role
		_, err := e.svc.Finish(ctx, e.signIn(t, "acme", "ada"))
		wantRefused(t, err, "admits only existing members")
		if _, err := db.UserByEmail(ctx, "ada@acme.test"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatal("a refused sign-in created an account")
		}
		// An organization without single sign-on says so.
		storetest.MustOrg(t, db, "plain")
		if _, _, err := e.svc.Start(ctx, "plain", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("start without a provider: %v", err)
		}
		if _, _, err := e.svc.Start(ctx, "nosuch", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("start for a missing organization: %v", err)
		}
	})
}

// The ID token checks, on tokens the real provider issued: another
// client's token (wrong audience), an expired one, a wrong nonce, and a
// provider whose discovery document names another issuer.
func TestIDTokenVerification(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	e := newEnv(t, db)
	prov, err := e.svc.provider(ctx, e.op.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	// A token for the "web" client, through the code flow.
	oc := &oauth2.Config{ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret, Endpoint: prov.Endpoint(),
		RedirectURL: e.svc.RedirectURI(), Scopes: []string{oidc.ScopeOpenID, "email"}}
	verifier := oauth2.GenerateVerifier()
	back := e.op.SignIn(t, browser(), oc.AuthCodeURL("st", oidc.Nonce("n-1"), oauth2.S256ChallengeOption(verifier)), "ada", "verysecure")
	tok, err := oc.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw := tok.Extra("id_token").(string)
	if _, err := e.svc.verify(ctx, prov, oidctest.ClientID, raw, "n-1"); err != nil {
		t.Fatalf("the right token: %v", err)
	}
	_, err = e.svc.verify(ctx, prov, oidctest.OtherClient, raw, "n-1")
	wantRefused(t, err, "audience")
	_, err = e.svc.verify(ctx, prov, oidctest.ClientID, raw, "another nonce")
	wantRefused(t, err, "nonce")
	tampered := raw[:len(raw)-4] + "AAAA"
	_, err = e.svc.verify(ctx, prov, oidctest.ClientID, tampered, "n-1")
	wantRefused(t, err, "did not verify")
	later := &Service{DB: db, Now: func() time.Time { return time.Now().Add(3 * time.Hour) }}
	_, err = later.verify(ctx, prov, oidctest.ClientID, raw, "n-1")
	wantRefused(t, err, "expired")

	// The provider answers as http://localhost:port/: configured as
	// 127.0.0.1, its discovery document names another issuer.
	wrong := strings.Replace(e.op.Issuer, "localhost", "127.0.0.1", 1)
	_, err = e.svc.Configure(ctx, e.admin, attest.SSOConfig{Issuer: wrong, ClientID: oidctest.ClientID, Domains: []string{"acme.test"}, Enabled: true}, oidctest.ClientSecret)
	if attest.ErrorField(err) != "issuer" || !strings.Contains(attest.ErrorMessage(err), "names another issuer") ||
		!strings.Contains(attest.ErrorMessage(err), "did not match the issuer URL returned by provider") {
		t.Fatalf("wrong issuer: %v", err)
	}
	// An address that answers something else is refused without repeating
	// what it answered (an organization's admin must not read the server's
	// view of internal addresses).
	_, err = e.svc.Configure(ctx, e.admin, attest.SSOConfig{Issuer: e.op.Issuer + "keys", ClientID: oidctest.ClientID, Domains: []string{"acme.test"}, Enabled: true}, oidctest.ClientSecret)
	// The port may itself contain "404", so the address is taken out of
	// the message before looking for the provider's status.
	keysURL := e.op.Issuer + "keys/.well-known/openid-configuration"
	if attest.ErrorField(err) != "issuer" || !strings.Contains(attest.ErrorMessage(err), "no valid discovery document at "+keysURL) ||
		strings.Contains(strings.ReplaceAll(attest.ErrorMessage(err), keysURL, ""), "404") {
		t.Fatalf("an address without a discovery document: %v", err)
	}
	_, err = e.svc.Configure(ctx, e.admin, attest.SSOConfig{Issuer: "http://127.0.0.1:1/", ClientID: oidctest.ClientID, Domains: []string{"acme.test"}, Enabled: true}, oidctest.ClientSecret)
	if attest.ErrorField(err) != "issuer" || !strings.Contains(attest.ErrorMessage(err), "nothing answered at http://127.0.0.1:1/.well-known") {
		t.Fatalf("an address where nothing answers: %v", err)
	}
}

func TestRequireSSOAndTheBreakGlassAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mgr := storetest.MustMember(t, db, e.org, attest.RoleManager, "mgr@acme.test")
		if _, err := e.svc.Require(ctx, e.admin, true, e.admin.UserID); attest.ErrorField(err) != "require_sso" {
			t.Fatalf("required without a provider: %v", err)
		}
		e.configure(t, attest.SSOConfig{DefaultRole: attest.RoleEmployee})
		if _, err := e.svc.Require(ctx, e.admin, true, mgr.ID); attest.ErrorField(err) != "break_glass" {
			t.Fatalf("a manager as break-glass: %v", err)
		}
		if _, err := e.svc.Require(ctx, e.admin, true, e.admin.UserID); attest.ErrorField(err) != "break_glass" || !strings.Contains(attest.ErrorMessage(err), "two-step") {
			t.Fatalf("a break-glass admin without two-step: %v", err)
		}
		if _, err := e.svc.Require(ctx, attest.Principal{UserID: mgr.ID, OrgID: e.org.ID, Role: attest.RoleManager}, false, 0); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a manager changed the rule: %v", err)
		}
		en, err := e.svc.Users.StartTOTP(ctx, e.admin)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := auth.TOTPCode(en.Secret, time.Now())
		if _, err := e.svc.Users.ConfirmTOTP(ctx, e.admin, "", code); err != nil {
			t.Fatal(err)
		}
		org, err := e.svc.Require(ctx, e.admin, true, e.admin.UserID)
		if err != nil || !org.RequireSSO || org.SSOBreakGlass != e.admin.UserID {
			t.Fatalf("require: %+v %v", org, err)
		}
		org, _ = db.OrgByID(ctx, e.org.ID)
		// The rule: a password session is sent to the provider, but the
		// break-glass admin's is not; a provider's session opens its own
		// organization only.
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodTOTP, UserID: mgr.ID}); attest.ErrorCode(err) != attest.ESSO {
			t.Fatalf("a manager's password session: %v", err)
		}
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodTOTP, UserID: e.admin.UserID}); err != nil {
			t.Fatalf("the break-glass admin: %v", err)
		}
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodPassword, UserID: e.admin.UserID}); attest.ErrorCode(err) != attest.EENROL {
			t.Fatalf("the break-glass admin with a password alone: %v", err)
		}
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodSSO, SSOOrgID: org.ID, UserID: mgr.ID}); err != nil {
			t.Fatalf("a provider session: %v", err)
		}
		if err := attest.SignInAllowed(org, attest.SessionProof{Method: attest.MethodSSO, SSOOrgID: org.ID + 1, UserID: mgr.ID}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("another organization's provider session: %v", err)
		}
		// The provider cannot be turned off while it is required.
		_, err = e.svc.Configure(ctx, e.admin, attest.SSOConfig{Issuer: e.op.Issuer, ClientID: oidctest.ClientID, Domains: []string{"acme.test"}}, "")
		if attest.ErrorField(err) != "enabled" {
			t.Fatalf("turned off while required: %v", err)
		}
		if _, err := e.svc.Require(ctx, e.admin, false, 0); err != nil {
			t.Fatal(err)
		}
		if org, _ := db.OrgByID(ctx, e.org.ID); org.RequireSSO || org.SSOBreakGlass != 0 {
			t.Fatalf("after lifting: %+v", org)
		}
	})
}

// An explicit email_verified false is refused; an absent one (providers such
// as Microsoft Entra ID omit it) is taken as verified.
func TestEmailVerifiedClaim(t *testing.T) {
	no, yes := false, true
	for _, c := range []struct {
		v    *bool
		want bool
	}{{nil, true}, {&yes, true}, {&no, false}} {
		if got := verified(c.v); got != c.want {
			t.Errorf("email_verified %v: %v, want %v", c.v, got, c.want)
		}
	}
}
