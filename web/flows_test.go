package web_test

import (
	"encoding/csv"
	"encoding/json"
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
)

func TestLoginLogoutAndCookies(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.anon()
	if res := c.post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {"wrong password"}}); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.body, "The email or password is incorrect.") {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	// Unknown accounts get the same answer as wrong passwords.
	if res := c.post("/login", url.Values{"email": {"nobody@alpha.test"}, "password": {"x"}}); res.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(res.body, "The email or password is incorrect.") {
		t.Fatalf("unknown account: %d", res.StatusCode)
	}
	// A pre-set cookie is never adopted as the session (no fixation).
	u, _ := url.Parse(e.ts.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "attest_session", Value: "attacker-chosen"}})
	res := c.post("/login", url.Values{"email": {"ADMIN@alpha.test"}, "password": {password}, "next": {"//evil.example/x"}})
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
	if res := c.get("/"); !res.redirectsTo("/o/alpha") {
		t.Fatalf("home for a one-org user: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.get("/o/alpha"); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Org alpha") {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	if res := c.post("/logout", nil); !res.redirectsTo("/login") {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	// The old cookie is dead on the server, not just cleared in the browser.
	replay := e.anon()
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "attest_session", Value: sess.Value}})
	if res := replay.get("/o/alpha"); !res.redirectsTo("/login?next=") {
		t.Fatalf("session survived logout: %d", res.StatusCode)
	}
}

func TestLoginNextIsLocalOnly(t *testing.T) {
	e := newEnv(t, store.SQLite)
	for next, want := range map[string]string{"/o/alpha/tokens": "/o/alpha/tokens", "https://evil.example": "/", "/\\evil.example": "/", "": "/"} {
		res := e.anon().post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {password}, "next": {next}})
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next=%q redirected to %q, want %q", next, got, want)
		}
	}
}

func TestLoginThrottling(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.anon()
	for i := range 5 {
		if res := c.post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {fmt.Sprint("guess", i)}}); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	// Locked: even the right password is refused, with a Retry-After.
	res := c.post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {password}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.body, "Too many failed sign-in attempts") {
		t.Fatalf("locked account: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Another account from the same address is not yet locked (per-account limit)...
	if res := c.post("/login", url.Values{"email": {"manager@alpha.test"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("other account: %d", res.StatusCode)
	}
	// ...and the lock lifts once the window passes.
	e.clock.Advance(16 * time.Minute)
	if res := e.anon().post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.StatusCode)
	}
}

func TestLoginThrottlingPerAddress(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.anon()
	for i := range 20 { // spraying many accounts from one address
		c.post("/login", url.Values{"email": {fmt.Sprintf("user%d@alpha.test", i)}, "password": {"x"}})
	}
	if res := c.post("/login", url.Values{"email": {"admin@alpha.test"}, "password": {password}}); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("address not throttled: %d", res.StatusCode)
	}
}

func TestSessionExpiresWhenIdle(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.login("manager")
	e.clock.Advance(11 * time.Hour)
	if res := c.get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("within idle limit: %d", res.StatusCode)
	}
	e.clock.Advance(11 * time.Hour) // 11h since last use: still within the sliding 12h
	if res := c.get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("sliding expiry: %d", res.StatusCode)
	}
	e.clock.Advance(13 * time.Hour)
	if res := c.get("/o/alpha"); !res.redirectsTo("/login?next=%2Fo%2Falpha") {
		t.Fatalf("idle session accepted: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSetupLinkCreatesFirstOrgOnce(t *testing.T) {
	e := newBareEnv(t, store.SQLite)
	secret, spare := e.setupSecret(), e.setupSecret()
	c := e.anon()
	if res := c.get("/setup?token=" + secret); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Create organization") {
		t.Fatalf("setup page: %d", res.StatusCode)
	}
	if res := c.get("/setup?token=wrong"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("bad token: %d", res.StatusCode)
	}
	form := url.Values{"token": {secret}, "org_name": {"Gamma Inc"}, "org_slug": {"Gamma Inc"}, "name": {"Gia"}, "email": {"gia@gamma.test"}, "password": {"short"}}
	res := c.post("/setup", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Password must be at least 10 characters") {
		t.Fatalf("short password: %d", res.StatusCode)
	}
	form.Set("password", password)
	res = c.post("/setup", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="e-org_slug">Short name use 1`).MatchString(res.body) {
		t.Fatalf("bad slug message not beside its field: %d %s", res.StatusCode, res.body)
	}
	form.Set("org_slug", "gamma")
	if res := c.post("/setup", form); !res.redirectsTo("/o/gamma") {
		t.Fatalf("setup: %d %s", res.StatusCode, res.body)
	}
	if res := c.get("/o/gamma/settings"); res.StatusCode != http.StatusOK {
		t.Fatalf("new admin cannot open settings: %d", res.StatusCode)
	}
	if res := e.anon().post("/setup", form); res.StatusCode != http.StatusNotFound {
		t.Fatalf("setup link reused: %d", res.StatusCode)
	}
	// Another link printed before set-up stops working once an admin exists.
	form.Set("token", spare)
	form.Set("org_slug", "delta")
	if res := e.anon().get("/setup?token=" + spare); res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "already set up") {
		t.Fatalf("stale link page: %d", res.StatusCode)
	}
	if res := e.anon().post("/setup", form); res.StatusCode != http.StatusNotFound {
		t.Fatalf("stale setup link created a second organization: %d", res.StatusCode)
	}
	org, _ := e.db.OrgBySlug(ctx, "gamma")
	acts, _ := e.db.Activity(ctx, org.ID, attest.ActivityFilter{})
	if len(acts) != 1 || acts[0].Action != "org.created" || acts[0].ActorLabel != "gia@gamma.test" {
		t.Fatalf("activity: %+v", acts)
	}
}

func TestInvitationFlow(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			admin := e.login("admin")
			res := admin.post("/o/alpha/invitations", url.Values{"email": {"New.Person@Example.com"}, "role": {"manager"}})
			link := regexp.MustCompile(`<code id="invite-link">http://attest.test(/invitations/[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.body)
			if res.StatusCode != http.StatusCreated || link == nil {
				t.Fatalf("invite: %d %s", res.StatusCode, res.body)
			}
			if res := admin.post("/o/alpha/invitations", url.Values{"email": {"manager@alpha.test"}, "role": {"admin"}}); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.body, "already a member") {
				t.Fatalf("inviting a member: %d", res.StatusCode)
			}
			if res := admin.post("/o/alpha/invitations", url.Values{"email": {"x@y.test"}, "role": {"owner"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad role: %d", res.StatusCode)
			}

			guest := e.anon()
			if res := guest.get(link[1]); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "new.person@example.com") {
				t.Fatalf("invitation page: %d", res.StatusCode)
			}
			if res := guest.post(link[1], url.Values{"name": {"New Person"}, "password": {"short"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("short password accepted: %d", res.StatusCode)
			}
			if res := guest.post(link[1], url.Values{"name": {"New Person"}, "password": {password}}); !res.redirectsTo("/o/alpha") {
				t.Fatalf("accept: %d %s", res.StatusCode, res.body)
			}
			if res := guest.get("/o/alpha/controls"); res.StatusCode != http.StatusOK {
				t.Fatalf("new manager cannot read: %d", res.StatusCode)
			}
			if res := guest.get("/o/alpha/settings"); res.StatusCode != http.StatusForbidden {
				t.Fatalf("new manager reached settings: %d", res.StatusCode)
			}
			if res := e.anon().get(link[1]); res.StatusCode != http.StatusNotFound {
				t.Fatalf("used link still open: %d", res.StatusCode)
			}

			// An existing user must sign in to accept; the membership is added to theirs.
			res = admin.post("/o/alpha/invitations", url.Values{"email": {"outsider@beta.test"}, "role": {"auditor"}})
			link = regexp.MustCompile(`http://attest.test(/invitations/[A-Za-z0-9_-]+)`).FindStringSubmatch(res.body)
			res = e.anon().post(link[1], nil)
			loc, _ := url.Parse(res.Header.Get("Location"))
			if res.StatusCode != http.StatusSeeOther || loc.Path != "/login" || loc.Query().Get("next") != link[1] || loc.Query().Get("email") != "outsider@beta.test" {
				t.Fatalf("existing user not sent to sign in: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if res := e.login("employee").post(link[1], nil); res.StatusCode != http.StatusForbidden {
				t.Fatalf("someone else accepted: %d", res.StatusCode)
			}
			outsider := e.login("outsider")
			if res := outsider.post(link[1], nil); !res.redirectsTo("/o/alpha") {
				t.Fatalf("existing user accept: %d", res.StatusCode)
			}
			if res := outsider.get("/"); res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Org alpha") || !strings.Contains(res.body, "Org beta") {
				t.Fatalf("org chooser: %d", res.StatusCode)
			}

			// Expired links do not work.
			res = admin.post("/o/alpha/invitations", url.Values{"email": {"late@x.test"}, "role": {"employee"}})
			link = regexp.MustCompile(`http://attest.test(/invitations/[A-Za-z0-9_-]+)`).FindStringSubmatch(res.body)
			e.clock.Advance(8 * 24 * time.Hour)
			if res := e.anon().get(link[1]); res.StatusCode != http.StatusNotFound || !strings.Contains(res.body, "expired") {
				t.Fatalf("expired invitation: %d", res.StatusCode)
			}
			acts, _ := e.db.Activity(ctx, e.alpha.ID, attest.ActivityFilter{Action: "member."})
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

func TestMembersRoleChangeAndRemoval(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.login("admin")
	spare := e.users["spare"]
	spareAPI, _ := e.token(e.alpha, "spare")
	if res := admin.post(fmt.Sprintf("/o/alpha/members/%d/role", spare.ID), url.Values{"role": {"manager"}}); !res.redirectsTo("/o/alpha/settings") {
		t.Fatalf("role change: %d", res.StatusCode)
	}
	if m, _ := e.db.Membership(ctx, e.alpha.ID, spare.ID); m.Role != attest.RoleManager {
		t.Fatalf("role not changed: %s", m.Role)
	}
	// The only admin cannot demote themself; the page says why.
	admin.post(fmt.Sprintf("/o/alpha/members/%d/role", e.users["admin"].ID), url.Values{"role": {"employee"}})
	if res := admin.get("/o/alpha/settings"); !strings.Contains(res.body, "at least one admin") {
		t.Fatal("no explanation for refusing to demote the last admin")
	}
	if res := admin.post(fmt.Sprintf("/o/alpha/members/%d/remove", spare.ID), nil); !res.redirectsTo("/o/alpha/settings") {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if res := e.api("GET", "/orgs/alpha", spareAPI, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("removed member's token still works: %d", res.StatusCode)
	}
	acts, _ := e.db.Activity(ctx, e.alpha.ID, attest.ActivityFilter{})
	if len(acts) != 2 || acts[0].Action != "member.removed" || acts[1].Action != "member.role_changed" || acts[0].IP != "127.0.0.1" || acts[0].Via != attest.ViaUI {
		t.Fatalf("activity: %+v", acts)
	}
}

func TestPasswordChange(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c, other := e.login("employee"), e.login("employee")
	if res := c.post("/account/password", url.Values{"current": {"nope"}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "Current password is not your current password") {
		t.Fatalf("wrong current: %d", res.StatusCode)
	}
	if res := c.post("/account/password", url.Values{"current": {password}, "password": {"a brand new password"}, "confirm": {"different"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "does not match") {
		t.Fatalf("mismatch: %d", res.StatusCode)
	}
	if res := c.post("/account/password", url.Values{"current": {password}, "password": {"a brand new password"}, "confirm": {"a brand new password"}}); !res.redirectsTo("/account") {
		t.Fatalf("change: %d %s", res.StatusCode, res.body)
	}
	if res := c.get("/o/alpha"); res.StatusCode != http.StatusOK {
		t.Fatalf("current session lost: %d", res.StatusCode)
	}
	if res := other.get("/o/alpha"); !res.redirectsTo("/login?next=") {
		t.Fatalf("other session kept: %d", res.StatusCode)
	}
	if res := e.anon().post("/login", url.Values{"email": {"employee@alpha.test"}, "password": {"a brand new password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("new password: %d", res.StatusCode)
	}
	if acts, _ := e.db.Activity(ctx, e.alpha.ID, attest.ActivityFilter{Action: "user.password_changed"}); len(acts) != 1 {
		t.Fatalf("password change not in activity: %+v", acts)
	}
}

func TestAPITokensThroughUI(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.login("manager")
	res := c.post("/o/alpha/tokens", url.Values{"name": {"CI gate"}, "expires": {"30"}})
	m := regexp.MustCompile(`<code id="new-token">(atk_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusCreated || m == nil {
		t.Fatalf("create token: %d", res.StatusCode)
	}
	secret := m[1]
	if res := c.get("/o/alpha/tokens"); strings.Contains(res.body, secret) || !strings.Contains(res.body, secret[:12]) {
		t.Fatal("the token list must show the prefix and never the secret again")
	}
	if res := c.post("/o/alpha/tokens", url.Values{"name": {""}, "expires": {"30"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Name is required") {
		t.Fatalf("nameless token: %d", res.StatusCode)
	}
	if res := c.post("/o/alpha/tokens", url.Values{"name": {"x"}, "expires": {"9999"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("odd expiry: %d", res.StatusCode)
	}

	res = e.api("GET", "/me", secret, nil)
	me := decode[map[string]any](t, res)
	if res.StatusCode != http.StatusOK || me["email"] != "manager@alpha.test" || me["role"] != "manager" {
		t.Fatalf("/me: %d %v", res.StatusCode, me)
	}
	toks, _ := e.db.Tokens(ctx, e.alpha.ID, e.users["manager"].ID)
	if len(toks) != 1 || toks[0].LastUsedAt.IsZero() {
		t.Fatalf("last use not recorded: %+v", toks)
	}
	// The API enforces the same roles as the UI.
	if res := e.api("GET", "/orgs/alpha/members", secret, nil); res.StatusCode != http.StatusForbidden ||
		decode[map[string]map[string]string](t, res)["error"]["code"] != "forbidden" {
		t.Fatalf("manager listed members: %d", res.StatusCode)
	}
	e.clock.Advance(31 * 24 * time.Hour)
	if res := e.api("GET", "/me", secret, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token accepted: %d", res.StatusCode)
	}
	e.clock.Advance(-31 * 24 * time.Hour)
	c = e.login("manager")
	if res := c.post(fmt.Sprintf("/o/alpha/tokens/%d/revoke", toks[0].ID), nil); !res.redirectsTo("/o/alpha/tokens") {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res := e.api("GET", "/me", secret, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked token accepted: %d", res.StatusCode)
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	e := newEnv(t, store.SQLite)
	secret, _ := e.token(e.alpha, "admin")
	type apiErr struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, field               string
	}{
		{"no token", "GET", "/me", "", nil, 401, "unauthorized", ""},
		{"bad token", "GET", "/me", "atk_nope", nil, 401, "unauthorized", ""},
		{"unknown route", "GET", "/nothing", secret, nil, 404, "not_found", ""},
		{"unknown org", "GET", "/orgs/zzz", secret, nil, 404, "not_found", ""},
		{"malformed JSON", "POST", "/orgs/alpha/invitations", secret, `{"email":`, 422, "invalid", ""},
		{"unknown field", "POST", "/orgs/alpha/invitations", secret, `{"email":"a@b.test","role":"admin","admin":true}`, 422, "invalid", ""},
		{"wrong type", "POST", "/orgs/alpha/invitations", secret, `{"email":5,"role":"admin"}`, 422, "invalid", "email"},
		{"bad email", "POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "not-an-email", "role": "admin"}, 422, "invalid", "email"},
		{"bad role", "POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "a@b.test", "role": "root"}, 422, "invalid", "role"},
		{"bad filter", "GET", "/orgs/alpha/activity?since=yesterday", secret, nil, 422, "invalid", "since"},
		{"bad limit", "GET", "/orgs/alpha/activity?limit=0", secret, nil, 422, "invalid", "limit"},
	}
	for _, c := range cases {
		res := e.api(c.method, c.path, c.token, c.body)
		var got apiErr
		if err := json.Unmarshal([]byte(res.body), &got); err != nil || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: not a JSON error: %s", c.name, res.body)
			continue
		}
		if res.StatusCode != c.status || got.Error.Code != c.code || got.Error.Field != c.field || got.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s field %q", c.name, res.StatusCode, got.Error, c.status, c.code, c.field)
		}
	}
	res := e.api("POST", "/orgs/alpha/invitations", secret, map[string]string{"email": "ok@b.test", "role": "auditor"})
	inv := decode[map[string]any](t, res)
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(fmt.Sprint(inv["link"]), "http://attest.test/invitations/") {
		t.Fatalf("API invitation: %d %v", res.StatusCode, inv)
	}
	acts := decode[map[string][]map[string]any](t, e.api("GET", "/orgs/alpha/activity?action=member.", secret, nil))["entries"]
	if len(acts) != 1 || acts[0]["via"] != "api" || acts[0]["actor"] != "admin@alpha.test" {
		t.Fatalf("API activity: %v", acts)
	}
}

// TestOpenAPIDocumentsEveryRoute fails when an API route is missing from the
// OpenAPI document, or the document describes a route that does not exist.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t, store.SQLite)
	res := e.api("GET", "/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(res.body), &doc); err != nil || doc.OpenAPI != "3.1.0" || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi.json: %v %s", err, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" /api/v1"+p] = true
			}
		}
	}
	for _, rt := range e.srv.Routes() {
		if !rt.API {
			continue
		}
		k := rt.Method + " " + rt.Path
		if !documented[k] {
			t.Errorf("API route %s is missing from openapi.json", k)
		}
		delete(documented, k)
	}
	for k := range documented {
		t.Errorf("openapi.json documents %s, which is not a route", k)
	}
}

func TestActivityViewAndExport(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.login("admin")
	admin.post("/o/alpha/invitations", url.Values{"email": {"a@x.test"}, "role": {"employee"}})
	admin.post("/o/alpha/tokens", url.Values{"name": {"=HYPERLINK(\"http://evil\")"}, "expires": {"30"}})
	res := admin.get("/o/alpha/activity?action=member.")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Invited a@x.test as employee") || strings.Contains(res.body, "Created API token") {
		t.Fatalf("filtered activity page: %d", res.StatusCode)
	}
	res = admin.get("/o/alpha/activity/export?format=csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="attest-activity-alpha-`) {
		t.Fatalf("csv export: %d %v", res.StatusCode, res.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][6] != "action" {
		t.Fatalf("csv: %v %v", rows, err)
	}
	if s := rows[1][9]; !strings.HasPrefix(s, "Created API token =HYPERLINK") {
		t.Fatalf("summary cell: %q", s)
	}
	res = admin.get("/o/alpha/activity/export?format=json&action=token.")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(res.body), &entries); err != nil || len(entries) != 1 || entries[0]["action"] != "token.created" {
		t.Fatalf("json export: %v %s", err, res.body)
	}
	if res := admin.get("/o/alpha/activity/export?format=xml"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad format: %d", res.StatusCode)
	}
	if res := admin.get("/o/alpha/activity?since=notadate"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "since") {
		t.Fatalf("bad date: %d", res.StatusCode)
	}
}

func TestCSVSafeCells(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.db.Update(ctx, func(tx *store.Queries) error {
		return tx.Log(ctx, attest.Actor{Label: "@attacker"}.Record(e.alpha.ID, "x.y", "t", "=1+1", "-2+3"))
	})
	rows, _ := csv.NewReader(strings.NewReader(e.login("admin").get("/o/alpha/activity/export?format=csv").body)).ReadAll()
	if rows[1][3] != "'@attacker" || rows[1][8] != "'=1+1" || rows[1][9] != "'-2+3" {
		t.Fatalf("formula cells not defused: %v", rows[1])
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.login("admin")
	for name, hdr := range map[string]map[string]string{
		"fetch metadata": {"Sec-Fetch-Site": "cross-site"},
		"origin":         {"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", e.ts.URL+"/o/alpha/invitations", strings.NewReader("email=spy%40evil.test&role=admin"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res := admin.do(req)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(res.body, "cross-site request forgery") {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	if pend, _ := e.db.PendingInvitations(ctx, e.alpha.ID); len(pend) != 0 {
		t.Fatalf("a cross-origin post created an invitation: %+v", pend)
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/o/alpha/invitations", strings.NewReader("email=ok%40x.test&role=employee"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := admin.do(req); res.StatusCode != http.StatusCreated {
		t.Fatalf("same-origin post refused: %d", res.StatusCode)
	}
}

func TestPagesEscapeUserText(t *testing.T) {
	e := newEnv(t, store.SQLite)
	admin := e.login("admin")
	admin.post("/o/alpha/settings", url.Values{"org_name": {`<script>alert(1)</script>`}})
	res := admin.get("/o/alpha/settings")
	if strings.Contains(res.body, "<script>alert(1)") || !strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("organization name rendered unescaped")
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("security headers: %v", res.Header)
	}
}

func TestHealthAndNotFound(t *testing.T) {
	e := newEnv(t, store.SQLite)
	c := e.anon()
	if res := c.get("/healthz"); res.StatusCode != 200 || res.body != "ok\n" {
		t.Fatalf("healthz: %d %q", res.StatusCode, res.body)
	}
	if res := c.get("/readyz"); res.StatusCode != 200 {
		t.Fatalf("readyz: %d", res.StatusCode)
	}
	if res := c.get("/static/app.css"); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d", res.StatusCode)
	}
	if res := e.login("admin").get("/no/such/page"); res.StatusCode != 404 || !strings.Contains(res.body, "Not Found") || !strings.Contains(res.body, "Sign out") {
		t.Fatalf("404 page: %d", res.StatusCode)
	}
	e.db.Close()
	if res := c.get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d", res.StatusCode)
	}
}

func TestEmployeeSeesOnlyOwnWork(t *testing.T) {
	e := newEnv(t, store.SQLite)
	res := e.login("employee").get("/o/alpha")
	for _, hidden := range []string{">Controls<", ">Settings<", ">Activity<", ">Evidence<"} {
		if strings.Contains(res.body, hidden) {
			t.Errorf("employee navigation shows %s", hidden)
		}
	}
	if !strings.Contains(res.body, "Your work") || !strings.Contains(res.body, ">API tokens<") {
		t.Error("employee dashboard lacks their own work area")
	}
	res = e.login("auditor").get("/o/alpha")
	if !strings.Contains(res.body, ">Controls<") || strings.Contains(res.body, ">Settings<") {
		t.Error("auditor navigation wrong")
	}
}
