package okta_test

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/okta"
	"github.com/attest-hq/attest/connector/okta/oktatest"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func request(srv *oktatest.Server) attest.CollectRequest {
	return attest.CollectRequest{Settings: map[string]string{"org_url": srv.URL}, Secret: []byte("okta-test-token\n"), Now: now}
}

func start(t *testing.T, change func(*oktatest.Scenario)) *oktatest.Server {
	t.Helper()
	sc := oktatest.DefaultScenario(now)
	if change != nil {
		sc.Update(change)
	}
	srv := oktatest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv
}

func collect(t *testing.T, srv *oktatest.Server) attest.Collection {
	t.Helper()
	col, err := okta.New().Collect(t.Context(), request(srv))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return col
}

func find(t *testing.T, col attest.Collection, typ, key string) attest.Resource {
	t.Helper()
	for _, r := range col.Resources {
		if r.Type == typ && r.Key == key {
			return r
		}
	}
	t.Fatalf("no %s %s among %d resources (failed: %v)", typ, key, len(col.Resources), col.Failed)
	return attest.Resource{}
}

func user(t *testing.T, col attest.Collection, name string) attest.Resource {
	t.Helper()
	return find(t, col, okta.TypeUser, name+"@acme.example")
}

func orgOf(t *testing.T, srv *oktatest.Server, col attest.Collection) attest.Resource {
	t.Helper()
	return find(t, col, okta.TypeOrg, strings.TrimPrefix(srv.URL, "http://"))
}

func TestCollectReadsTheDefaultOrg(t *testing.T) {
	srv := start(t, nil)
	col := collect(t, srv)
	if len(col.Failed) != 0 || len(col.Warnings) != 0 {
		t.Errorf("failed %v, warnings %v", col.Failed, col.Warnings)
	}
	if got := len(srv.Scenario.Requests()); col.Calls != got {
		t.Errorf("Calls = %d, the server saw %d requests", col.Calls, got)
	}
	for _, req := range srv.Scenario.Requests() {
		if !strings.HasPrefix(req, "GET ") {
			t.Errorf("a request that is not a read: %s", req)
		}
	}
	if n := len(col.Resources); n != 11 {
		t.Errorf("%d resources, want 10 users and the org", n)
	}

	alice := user(t, col, "alice")
	want := map[string]any{
		"id": "00u1alice0000000001", "login": "alice@acme.example", "email": "alice@acme.example", "status": "ACTIVE", "active": true,
		"created": now.Add(-400 * 24 * time.Hour).Format(time.RFC3339), "last_login": now.Add(-24 * time.Hour).Format(time.RFC3339),
		"mfa_enrolled": true, "phishing_resistant": true, "is_admin": true, "name": "Alice Admin", "department": "IT",
	}
	for k, v := range want {
		if alice.Data[k] != v {
			t.Errorf("alice.%s = %#v, want %#v", k, alice.Data[k], v)
		}
	}
	if f := alice.Data["factors"].([]string); !slices.Equal(f, []string{"push", "webauthn"}) {
		t.Errorf("alice factors = %v", f)
	}
	if r := alice.Data["admin_roles"].([]string); !slices.Equal(r, []string{"SUPER_ADMIN"}) {
		t.Errorf("alice roles = %v", r)
	}
	if alice.Unavailable != nil {
		t.Errorf("alice unavailable = %v", alice.Unavailable)
	}

	// SMS is a second factor, not a phishing-resistant one.
	if bob := user(t, col, "bob"); bob.Data["mfa_enrolled"] != true || bob.Data["phishing_resistant"] != false || bob.Data["is_admin"] != true {
		t.Errorf("bob = %v", bob.Data)
	}
	// An administrator role through a group counts; FastPass resists phishing.
	carol := user(t, col, "carol")
	if carol.Data["is_admin"] != true || !slices.Equal(carol.Data["admin_roles"].([]string), []string{"HELP_DESK_ADMIN"}) ||
		carol.Data["phishing_resistant"] != true {
		t.Errorf("carol = %v", carol.Data)
	}
	// A question and an email are not a second factor; a pending push is not active.
	dave := user(t, col, "dave")
	if dave.Data["mfa_enrolled"] != false || !slices.Equal(dave.Data["factors"].([]string), []string{"email", "question"}) || dave.Data["is_admin"] != false {
		t.Errorf("dave = %v", dave.Data)
	}
	for name, active := range map[string]bool{"erin": false, "frank": false, "gina": false, "ivan": false, "hank": true, "jill": true} {
		if u := user(t, col, name); u.Data["active"] != active {
			t.Errorf("%s (%s): active = %v, want %v", name, u.Data["status"], u.Data["active"], active)
		}
	}
	// Okta's plain list leaves deprovisioned users out: they are read with a filter.
	if frank := user(t, col, "frank"); frank.Data["status"] != "DEPROVISIONED" {
		t.Errorf("frank = %v", frank.Data)
	}
	if gina := user(t, col, "gina"); gina.Data["last_login"] != nil || gina.Data["status"] != "STAGED" {
		t.Errorf("gina (never signed in) = %v", gina.Data)
	}

	org := orgOf(t, srv, col)
	if a := org.Data["admins"].([]string); !slices.Equal(a, []string{"alice@acme.example", "bob@acme.example", "carol@acme.example"}) {
		t.Errorf("admins = %v", a)
	}
	pp := org.Data["password_policy"].(map[string]any)
	wantPP := map[string]any{"min_length": 8, "require_uppercase": true, "require_lowercase": true, "require_number": true,
		"require_symbol": false, "max_age_days": 0, "history_count": 4, "lockout_attempts": 10}
	for k, v := range wantPP {
		if pp[k] != v {
			t.Errorf("password_policy.%s = %#v, want %#v (the weakest active policy)", k, pp[k], v)
		}
	}
	if p := pp["policies"].([]string); !slices.Equal(p, []string{"Administrators", "Default Policy"}) {
		t.Errorf("policies = %v (the inactive one must be left out)", p)
	}
	// The session policy lets a password through, the authentication policy does not.
	if org.Data["mfa_required_for_sign_on"] != true {
		t.Errorf("mfa_required_for_sign_on = %v (unavailable: %v)", org.Data["mfa_required_for_sign_on"], org.Unavailable)
	}
}

func TestPaginationFollowsLinkCursors(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.PageSize = 3 })
	col := collect(t, srv)
	users := 0
	for _, r := range col.Resources {
		if r.Type == okta.TypeUser {
			users++
		}
	}
	if users != 10 || len(col.Failed) != 0 {
		t.Fatalf("%d users over several pages (failed %v)", users, col.Failed)
	}
	pages := 0
	for _, req := range srv.Scenario.Requests() {
		if strings.HasPrefix(req, "GET /api/v1/users?") && strings.Contains(req, "after=") {
			pages++
		}
	}
	if pages < 2 {
		t.Errorf("%d follow-up pages of users, want at least 2: %v", pages, srv.Scenario.Requests())
	}
	// Group members over pages: carol's role through Helpdesk, and the
	// nine members of Everyone read page by page.
	if c := user(t, col, "carol"); c.Data["is_admin"] != true {
		t.Errorf("carol = %v", c.Data)
	}
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.Throttle = 1 })
	col := collect(t, srv)
	if len(col.Failed) != 0 {
		t.Fatalf("failed: %v", col.Failed)
	}
	reqs := srv.Scenario.Requests()
	if len(reqs) < 2 || reqs[0] != reqs[1] {
		t.Errorf("the throttled request was not tried again: %v", reqs[:2])
	}
	user(t, col, "alice")
}

func TestLongRateLimitFailsTheTypeWithoutWaiting(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.Throttle = 1000; s.ThrottleFor = time.Hour })
	col := collect(t, srv)
	if !strings.Contains(col.Failed[okta.TypeUser], "rate limit") {
		t.Fatalf("failed = %v", col.Failed)
	}
	org := orgOf(t, srv, col)
	for _, f := range []string{"admins", "password_policy", "mfa_required_for_sign_on"} {
		if !strings.Contains(org.Unavailable[f], "rate limit") {
			t.Errorf("org.%s: unavailable = %q", f, org.Unavailable[f])
		}
	}
}

func TestRemainingZeroPausesUntilReset(t *testing.T) {
	// Four requests a second, one user: the connector must wait for each
	// window rather than run into the server's 429.
	srv := start(t, func(s *oktatest.Scenario) {
		s.RateLimit, s.RateWindow = 4, 500*time.Millisecond
		s.Users = s.Users[:1]
		s.Groups = nil
	})
	col := collect(t, srv)
	if len(col.Failed) != 0 {
		t.Fatalf("failed: %v", col.Failed)
	}
	if n := srv.Throttled(); n != 0 {
		t.Errorf("the server answered 429 %d time(s): the connector did not slow down when no requests remained", n)
	}
	if len(srv.Scenario.Requests()) <= 4 {
		t.Errorf("too few requests to test a pause: %v", srv.Scenario.Requests())
	}
}

func TestRolesHiddenAreUnavailableNotFailing(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.DenyRoles = true })
	col := collect(t, srv)
	if len(col.Failed) != 0 {
		t.Fatalf("failed: %v", col.Failed)
	}
	alice := user(t, col, "alice")
	for _, f := range []string{"admin_roles", "is_admin"} {
		if _, has := alice.Data[f]; has || !strings.Contains(alice.Unavailable[f], "okta.iam.read") {
			t.Errorf("alice.%s = %v, unavailable %q", f, alice.Data[f], alice.Unavailable[f])
		}
	}
	if alice.Data["phishing_resistant"] != true {
		t.Errorf("factors should still be read: %v", alice.Data)
	}
	org := orgOf(t, srv, col)
	if _, has := org.Data["admins"]; has || !strings.Contains(org.Unavailable["admins"], "Super Administrators") {
		t.Errorf("org admins = %v, unavailable %v", org.Data["admins"], org.Unavailable)
	}
	roleCalls := 0
	for _, req := range srv.Scenario.Requests() {
		if strings.HasSuffix(req, "/roles") {
			roleCalls++
		}
	}
	if roleCalls > 6 {
		t.Errorf("%d role calls after Okta refused them", roleCalls)
	}

	res, err := okta.New().Check(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || len(res.Missing) != 1 || !strings.Contains(res.Missing[0], "administrator role assignments") || res.Identity != "alice@acme.example" {
		t.Errorf("check = %+v", res)
	}
}

func TestPoliciesHiddenAreUnavailable(t *testing.T) {
	srv := start(t, func(s *oktatest.Scenario) { s.DenyPolicies = true })
	col := collect(t, srv)
	org := orgOf(t, srv, col)
	for _, f := range []string{"password_policy", "mfa_required_for_sign_on"} {
		if _, has := org.Data[f]; has || !strings.Contains(org.Unavailable[f], "policies") {
			t.Errorf("org.%s = %v, unavailable %q", f, org.Data[f], org.Unavailable[f])
		}
	}
	if len(col.Failed) != 0 || len(col.Warnings) != 0 {
		t.Errorf("a refusal is not a failure: %v %v", col.Failed, col.Warnings)
	}
	res, _ := okta.New().Check(t.Context(), request(srv))
	if res.OK || !slices.ContainsFunc(res.Missing, func(m string) bool { return strings.Contains(m, "policies") }) {
		t.Errorf("check = %+v", res)
	}
}

func TestSignOnMFA(t *testing.T) {
	cases := []struct {
		name   string
		change func(*oktatest.Scenario)
		want   any
	}{
		{"classic engine, session policy lets a password through", func(s *oktatest.Scenario) { s.Classic = true }, false},
		{"session policy requires a factor", func(s *oktatest.Scenario) {
			s.Classic = true
			s.Policies[3].Rules[0].RequireFactor = true
		}, true},
		{"an authentication policy allows one factor", func(s *oktatest.Scenario) {
			s.AccessPolicies[0].Rules = append(s.AccessPolicies[0].Rules, oktatest.Rule{Name: "Kiosk", Access: "ALLOW", FactorMode: "1FA"})
		}, false},
		{"a rule with no factor mode", func(s *oktatest.Scenario) { s.AccessPolicies[0].Rules[0].FactorMode = "" }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := start(t, c.change)
			org := orgOf(t, srv, collect(t, srv))
			got, has := org.Data["mfa_required_for_sign_on"]
			switch {
			case c.want == nil && (has || org.Unavailable["mfa_required_for_sign_on"] == ""):
				t.Errorf("want unavailable: %v %v", got, org.Unavailable)
			case c.want != nil && got != c.want:
				t.Errorf("mfa_required_for_sign_on = %v, want %v (unavailable %v)", got, c.want, org.Unavailable)
			}
		})
	}
}

func TestWrongTokenIsInvalid(t *testing.T) {
	srv := start(t, nil)
	req := request(srv)
	req.Secret = []byte("not-the-token")
	res, err := okta.New().Check(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || !strings.Contains(res.Message, "invalid token") {
		t.Errorf("check = %+v", res)
	}
	_, err = okta.New().Collect(t.Context(), req)
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "refused the API token") {
		t.Errorf("collect error = %v", err)
	}
	if strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("the error shows the token: %v", err)
	}
}

func TestCheckPasses(t *testing.T) {
	srv := start(t, nil)
	res, err := okta.New().Check(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Identity != "alice@acme.example" || len(res.Missing) != 0 {
		t.Errorf("check = %+v", res)
	}
	if got := srv.Scenario.Requests(); len(got) != 6 || got[0] != "GET /api/v1/users/me" {
		t.Errorf("requests = %v", got)
	}
}

func TestPhishingResistantFactors(t *testing.T) {
	for factor, want := range map[string][2]bool{ // phishing-resistant, MFA
		"webauthn": {true, true}, "signed_nonce": {true, true},
		"push": {false, true}, "sms": {false, true}, "call": {false, true}, "token:software:totp": {false, true},
		"email": {false, false}, "question": {false, false},
	} {
		srv := start(t, func(s *oktatest.Scenario) { s.User("dave@acme.example").Factors = []oktatest.Factor{{Type: factor}} })
		dave := user(t, collect(t, srv), "dave")
		if dave.Data["phishing_resistant"] != want[0] || dave.Data["mfa_enrolled"] != want[1] {
			t.Errorf("%s: phishing_resistant %v, mfa_enrolled %v; want %v", factor, dave.Data["phishing_resistant"], dave.Data["mfa_enrolled"], want)
		}
	}
}

func TestChangeShowsInNextCollection(t *testing.T) {
	srv := start(t, nil)
	if d := user(t, collect(t, srv), "dave"); d.Data["mfa_enrolled"] != false {
		t.Fatalf("dave = %v", d.Data)
	}
	srv.Scenario.Update(func(s *oktatest.Scenario) {
		s.User("dave@acme.example").Factors = append(s.User("dave@acme.example").Factors, oktatest.Factor{Type: "webauthn"})
	})
	if d := user(t, collect(t, srv), "dave"); d.Data["mfa_enrolled"] != true || d.Data["phishing_resistant"] != true {
		t.Errorf("dave after enrolling a key = %v", d.Data)
	}
}

func TestSettingsAreValidated(t *testing.T) {
	c := okta.New()
	for url, field := range map[string]string{
		"":                             "org_url",
		"acme.okta.com":                "org_url",
		"http://acme.okta.com":         "org_url",
		"ftp://acme.okta.com":          "org_url",
		"https://acme.okta.com/admin":  "org_url",
		"https://acme.okta.com:99999":  "org_url",
		"https://acme.okta.com":        "",
		"https://login.acme.com:8443/": "",
		"http://127.0.0.1:8080":        "",
		"http://localhost:9000":        "",
	} {
		err := c.Validate(attest.CollectRequest{Settings: map[string]string{"org_url": url}, Secret: []byte("t")})
		switch {
		case field == "" && err != nil:
			t.Errorf("%q: %v", url, err)
		case field != "" && (attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), field)):
			t.Errorf("%q: %v, want an invalid %s", url, err, field)
		}
	}
	if err := c.Validate(attest.CollectRequest{Settings: map[string]string{"org_url": "https://acme.okta.com"}}); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("no token: %v", err)
	}
	spec := c.Spec()
	if spec.Type != okta.Type || !strings.HasPrefix(spec.SecretLabel, "API token, or OAuth service app") || !slices.Equal(spec.ResourceTypes, []string{okta.TypeUser, okta.TypeOrg}) {
		t.Errorf("spec = %+v", spec)
	}
}

func TestWithHTTPClientCarriesEveryRequest(t *testing.T) {
	srv := start(t, nil)
	var seen atomic.Int64
	client := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		seen.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	if _, err := okta.New(okta.WithHTTPClient(client)).Collect(t.Context(), request(srv)); err != nil || int(seen.Load()) != len(srv.Scenario.Requests()) {
		t.Errorf("WithHTTPClient not used: %v", err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
