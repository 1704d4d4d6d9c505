package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// wantAccess is the authorization contract, written out by hand. Every route the
// server registers must appear here with the same access, so adding a route
// without deciding who may use it fails this test.
var wantAccess = map[string]web.Access{
	"GET /healthz":              web.Public,
	"GET /readyz":               web.Public,
	"GET /login":                web.Public,
	"POST /login":               web.Public,
	"POST /logout":              web.SignedIn,
	"GET /setup":                web.Public,
	"POST /setup":               web.Public,
	"GET /invitations/{token}":  web.Public,
	"POST /invitations/{token}": web.Public,
	"GET /{$}":                  web.SignedIn,
	"GET /account":              web.SignedIn,
	"POST /account/password":    web.SignedIn,

	"GET /o/{org}":                          web.Own,
	"GET /o/{org}/tokens":                   web.Own,
	"POST /o/{org}/tokens":                  web.Own,
	"POST /o/{org}/tokens/{id}/revoke":      web.Own,
	"GET /o/{org}/settings":                 web.Admin,
	"POST /o/{org}/settings":                web.Admin,
	"POST /o/{org}/invitations":             web.Admin,
	"POST /o/{org}/invitations/{id}/revoke": web.Admin,
	"POST /o/{org}/members/{user}/role":     web.Admin,
	"POST /o/{org}/members/{user}/remove":   web.Admin,
	"GET /o/{org}/activity":                 web.Admin,
	"GET /o/{org}/activity/export":          web.Admin,
	"GET /o/{org}/controls":                 web.Read,
	"GET /o/{org}/policies":                 web.Read,
	"GET /o/{org}/evidence":                 web.Read,
	"GET /o/{org}/monitoring":               web.Read,
	"GET /o/{org}/people":                   web.Read,
	"GET /o/{org}/risks":                    web.Read,
	"GET /o/{org}/vendors":                  web.Read,
	"GET /o/{org}/audits":                   web.Read,

	"GET /api/v1/openapi.json":            web.Public,
	"GET /api/v1/me":                      web.SignedIn,
	"GET /api/v1/orgs/{org}":              web.Own,
	"GET /api/v1/orgs/{org}/members":      web.Admin,
	"POST /api/v1/orgs/{org}/invitations": web.Admin,
	"GET /api/v1/orgs/{org}/activity":     web.Admin,
}

func routeKey(rt web.Route) string { return rt.Method + " " + rt.Path }

func TestRouteTableMatchesContract(t *testing.T) {
	e := newEnv(t, store.SQLite)
	seen := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		k := routeKey(rt)
		seen[k] = true
		want, ok := wantAccess[k]
		if !ok {
			t.Errorf("route %s is not in the authorization contract (wantAccess): decide who may use it", k)
			continue
		}
		if rt.Access != want {
			t.Errorf("route %s has access %q, contract says %q", k, rt.Access, want)
		}
	}
	for k := range wantAccess {
		if !seen[k] {
			t.Errorf("contract lists %s, which the server does not register", k)
		}
	}
}

var callers = []string{"anonymous", "admin", "manager", "employee", "auditor", "outsider"}

// TestAuthorizationMatrix sends every route a real request as every role of
// organization alpha, as a member of another organization, and anonymously, and
// checks the outcome against the route's declared access.
func TestAuthorizationMatrix(t *testing.T) {
	shared := newEnv(t, store.SQLite)
	for _, rt := range shared.srv.Routes() {
		for _, who := range callers {
			t.Run(routeKey(rt)+"/"+who, func(t *testing.T) {
				e := shared
				if rt.Method != "GET" {
					// State-changing requests get a fresh world so earlier ones cannot
					// change the outcome (a removed member, a revoked token).
					e = newEnv(t, store.SQLite)
				}
				e.t = t
				res := e.callAs(rt, who)
				checkOutcome(t, rt, who, res)
			})
		}
	}
}

func checkOutcome(t *testing.T, rt web.Route, who string, res response) {
	t.Helper()
	loginWall := res.StatusCode == http.StatusUnauthorized || res.redirectsTo("/login?next=")
	allowed := !loginWall && res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound
	switch {
	case rt.Access == web.Public:
		if loginWall && !(rt.Path == "/login" && rt.Method == "POST") {
			t.Fatalf("public route asked %s to sign in: %d %s", who, res.StatusCode, res.Header.Get("Location"))
		}
	case who == "anonymous":
		if !loginWall {
			t.Fatalf("anonymous request was not stopped: %d", res.StatusCode)
		}
	case rt.Access == web.SignedIn:
		if !allowed {
			t.Fatalf("signed-in %s refused: %d %s", who, res.StatusCode, res.body)
		}
	case who == "outsider":
		if res.StatusCode != http.StatusNotFound {
			t.Fatalf("member of another organization got %d, want 404 (nothing may leak)", res.StatusCode)
		}
	default:
		role := attest.Role(who)
		if role.Can(attest.Action(rt.Access)) {
			if !allowed {
				t.Fatalf("%s may %s but got %d: %.300s", who, rt.Access, res.StatusCode, res.body)
			}
		} else if res.StatusCode != http.StatusForbidden {
			t.Fatalf("%s may not %s but got %d", who, rt.Access, res.StatusCode)
		}
	}
}

// callAs makes a plausible request to rt as the caller, with real IDs for every
// path parameter, always aimed at organization alpha.
func (e *env) callAs(rt web.Route, who string) response {
	path := strings.ReplaceAll(rt.Path, "{$}", "")
	path = strings.ReplaceAll(path, "{org}", "alpha")
	path = strings.ReplaceAll(path, "{user}", fmt.Sprint(e.users["spare"].ID))

	inviteSecret := auth.NewSecret("")
	inv := attest.Invitation{OrgID: e.alpha.ID, Email: "invitee@alpha.test", Role: attest.RoleEmployee, InvitedBy: e.users["admin"].ID, ExpiresAt: e.clock.Now().Add(time.Hour)}
	if err := e.db.CreateInvitation(ctx, &inv, auth.HashSecret(inviteSecret)); err != nil {
		e.t.Fatal(err)
	}
	path = strings.ReplaceAll(path, "{token}", inviteSecret)

	// Tokens: the caller's own in alpha (the outsider's is in beta).
	tokenOwner, tokenOrg := who, e.alpha
	if who == "outsider" {
		tokenOrg = e.beta
	}
	if who == "anonymous" {
		tokenOwner = "admin"
	}
	secret, tok := e.token(tokenOrg, tokenOwner)
	if who == "anonymous" {
		secret = ""
	}
	if strings.Contains(rt.Path, "/tokens/{id}") {
		path = strings.ReplaceAll(path, "{id}", fmt.Sprint(tok.ID))
	}
	path = strings.ReplaceAll(path, "{id}", fmt.Sprint(inv.ID))

	query := map[string]string{
		"/o/{org}/activity/export": "?format=csv",
		"/setup":                   "?token=" + e.setupSecret(),
	}[rt.Path]

	if rt.API {
		var body any
		if rt.Method == "POST" {
			body = map[string]string{"email": "new@alpha.test", "role": "employee"}
		}
		return e.api(rt.Method, strings.TrimPrefix(path, "/api/v1")+query, secret, body)
	}
	c := e.anon()
	if who != "anonymous" {
		c = e.login(who)
	}
	if rt.Method == "GET" {
		return c.get(path + query)
	}
	return c.post(path+query, url.Values{
		"email": {"new@alpha.test"}, "role": {"manager"}, "name": {"CI"}, "expires": {"30"},
		"org_name": {"Renamed"}, "password": {"a new long password"}, "current": {"wrong"},
	})
}

func (e *env) setupSecret() string {
	s := auth.NewSecret("")
	if err := e.db.CreateSetupToken(ctx, auth.HashSecret(s), e.clock.Now().Add(time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	return s
}
