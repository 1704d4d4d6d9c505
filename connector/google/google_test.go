package google_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/google"
	"github.com/attest-hq/attest/connector/google/googletest"
)

var now = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

func start(t *testing.T, change ...func(*googletest.Scenario)) *googletest.Server {
	t.Helper()
	s := googletest.DefaultScenario(now)
	for _, f := range change {
		f(s)
	}
	srv := googletest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func request(srv *googletest.Server) attest.CollectRequest {
	return attest.CollectRequest{Settings: srv.Settings(), Secret: srv.KeyFile(), Now: now}
}

func collect(t *testing.T, srv *googletest.Server) attest.Collection {
	t.Helper()
	col, err := google.New().Collect(t.Context(), request(srv))
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
	t.Fatalf("no %s %s among %d resources", typ, key, len(col.Resources))
	return attest.Resource{}
}

func ago(days int) string {
	return now.Add(-time.Duration(days) * 24 * time.Hour).Format(time.RFC3339)
}

func TestCollectReadsEveryUser(t *testing.T) {
	srv := start(t)
	col := collect(t, srv)
	if len(col.Failed) != 0 || len(col.Warnings) != 0 {
		t.Errorf("failed %v, warnings %v", col.Failed, col.Warnings)
	}
	if got := len(srv.Scenario.Requests()); col.Calls != got {
		t.Errorf("Calls = %d, the server saw %d requests", col.Calls, got)
	}
	if len(col.Resources) != 9 {
		t.Fatalf("%d resources, want 8 users and the domain", len(col.Resources))
	}
	alice := find(t, col, google.TypeUser, "alice@acme.example")
	want := map[string]any{
		"email": "alice@acme.example", "name": "Alice Ng", "admin": true, "delegated_admin": false, "suspended": false,
		"archived": false, "active": true, "enrolled_2sv": true, "enforced_2sv": true, "last_login": ago(1),
		"created": ago(900), "org_unit": "/IT", "suspension_reason": "", "department": "IT",
	}
	for k, v := range want {
		if alice.Data[k] != v {
			t.Errorf("alice.%s = %#v, want %#v", k, alice.Data[k], v)
		}
	}
	if a, _ := alice.Data["aliases"].([]string); !slices.Equal(a, []string{"it@acme.example"}) {
		t.Errorf("alice.aliases = %#v", alice.Data["aliases"])
	}
	if len(alice.Data) != len(want)+1 || alice.Unavailable != nil {
		t.Errorf("alice = %v, unavailable %v", alice.Data, alice.Unavailable)
	}
	for email, w := range map[string]map[string]any{
		"bob@acme.example":   {"admin": true, "enrolled_2sv": false, "enforced_2sv": false, "active": true},
		"carol@acme.example": {"admin": false, "delegated_admin": true, "enforced_2sv": true},
		"dave@acme.example":  {"enrolled_2sv": true, "enforced_2sv": false, "active": true, "department": "Engineering"},
		"erin@acme.example":  {"suspended": true, "archived": false, "active": false, "suspension_reason": "ADMIN"},
		"frank@acme.example": {"suspended": false, "archived": true, "active": false},
		"grace@acme.example": {"last_login": nil, "created": ago(60), "enrolled_2sv": false, "enforced_2sv": true, "active": true},
		"heidi@acme.example": {"last_login": ago(120), "active": true},
	} {
		u := find(t, col, google.TypeUser, email)
		for k, v := range w {
			got, ok := u.Data[k]
			if !ok || got != v {
				t.Errorf("%s.%s = %#v (present %v), want %#v", email, k, got, ok, v)
			}
		}
	}

	d := find(t, col, google.TypeDomain, "acme.example")
	if !slices.Equal(d.Data["admins"].([]string), []string{"alice@acme.example", "bob@acme.example"}) ||
		d.Data["users_total"] != 8 ||
		!slices.Equal(d.Data["users_without_2sv"].([]string), []string{"bob@acme.example", "grace@acme.example"}) ||
		d.Data["two_step_enforced_everywhere"] != false || d.Data["customer"] != "my_customer" || d.Unavailable != nil {
		t.Errorf("domain = %v, unavailable %v", d.Data, d.Unavailable)
	}
	// The data round-trips through JSON as documented: a never-signed-in
	// user's last_login is null, not absent.
	b, _ := json.Marshal(find(t, col, google.TypeUser, "grace@acme.example").Data)
	if !strings.Contains(string(b), `"last_login":null`) {
		t.Errorf("grace as JSON: %s", b)
	}
}

func TestCollectFollowsPagesWithFullProjection(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.PageSize = 2 })
	col := collect(t, srv)
	var lists []string
	for _, r := range srv.Scenario.Requests() {
		if strings.HasPrefix(r, "GET ") && strings.Contains(r, "/admin/directory/v1/users") {
			lists = append(lists, r)
		}
	}
	if len(lists) != 4 {
		t.Fatalf("%d list requests for 8 users in pages of 2: %v", len(lists), lists)
	}
	for i, r := range lists {
		if !strings.Contains(r, "customer=my_customer") || !strings.Contains(r, "projection=full") || !strings.Contains(r, "maxResults=500") {
			t.Errorf("request %s", r)
		}
		if (i > 0) != strings.Contains(r, "pageToken=") {
			t.Errorf("page %d: %s", i, r)
		}
	}
	users := 0
	for _, r := range col.Resources {
		if r.Type == google.TypeUser {
			users++
		}
	}
	if users != 8 {
		t.Errorf("%d users collected over pages, want 8", users)
	}
}

func TestScenarioChangeShowsInNextCollection(t *testing.T) {
	srv := start(t)
	collect(t, srv)
	srv.Scenario.Update(func(s *googletest.Scenario) {
		s.Users[1].Enrolled2Sv, s.Users[1].Enforced2Sv = true, true // bob
		s.Users = append(s.Users, googletest.User{Email: "ivan@acme.example", GivenName: "Ivan", Admin: true, Created: now})
	})
	col := collect(t, srv)
	if b := find(t, col, google.TypeUser, "bob@acme.example"); b.Data["enforced_2sv"] != true {
		t.Errorf("bob = %v", b.Data)
	}
	d := find(t, col, google.TypeDomain, "acme.example")
	if d.Data["users_total"] != 9 || len(d.Data["admins"].([]string)) != 3 ||
		!slices.Equal(d.Data["users_without_2sv"].([]string), []string{"grace@acme.example", "ivan@acme.example"}) {
		t.Errorf("domain = %v", d.Data)
	}
}

func TestRateLimitIsWaitedOut(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.RateLimit, s.RetryAfter = 1, "1" })
	col := collect(t, srv)
	if len(col.Failed) != 0 || len(col.Resources) != 9 {
		t.Fatalf("failed %v, %d resources", col.Failed, len(col.Resources))
	}
	if srv.Scenario.RateLimit != 0 {
		t.Errorf("the limited answer was not met")
	}
}

func TestLongRateLimitFailsTheTypesWithoutWaiting(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.RateLimit, s.RetryAfter = 5, "3600" })
	col, err := google.New().Collect(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Resources) != 0 {
		t.Errorf("%d resources from a limited collection", len(col.Resources))
	}
	for _, typ := range []string{google.TypeUser, google.TypeDomain} {
		if !strings.Contains(col.Failed[typ], "rateLimitExceeded") || !strings.Contains(col.Failed[typ], "wait 1h0m0s") {
			t.Errorf("failed[%s] = %q", typ, col.Failed[typ])
		}
	}
}

func TestDelegationNotGranted(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.NoDelegation = true })
	res, err := google.New().Check(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || len(res.Missing) != 1 || !strings.Contains(res.Missing[0], "domain-wide delegation of "+google.Scope) ||
		!strings.Contains(res.Missing[0], "108234567890123456789") || !strings.Contains(res.Message, "Domain-wide delegation") {
		t.Errorf("check = %+v", res)
	}
	_, err = google.New().Collect(t.Context(), request(srv))
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "delegation is not granted") {
		t.Errorf("collect: %v", err)
	}
}

func TestScopeMissing(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.NoScope = true })
	res, err := google.New().Check(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || !slices.Equal(res.Missing, []string{"scope " + google.Scope}) || !strings.Contains(res.Message, "insufficientPermissions") {
		t.Errorf("check = %+v", res)
	}
	_, err = google.New().Collect(t.Context(), request(srv))
	if attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(err.Error(), google.Scope) || !strings.Contains(err.Error(), "domain-wide delegation") {
		t.Errorf("collect: %v", err)
	}
}

func TestCheckPassesAndReadsOneUser(t *testing.T) {
	srv := start(t)
	res, err := google.New().Check(t.Context(), request(srv))
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Identity != "attest-reader@acme-security.iam.gserviceaccount.com acting as alice@acme.example" {
		t.Errorf("check = %+v", res)
	}
	reqs := srv.Scenario.Requests()
	if len(reqs) != 2 || !strings.HasPrefix(reqs[0], "POST /token") || !strings.Contains(reqs[1], "maxResults=1") {
		t.Errorf("requests %v", reqs)
	}
}

func TestWrongAdminAndWrongKey(t *testing.T) {
	srv := start(t)
	req := request(srv)
	req.Settings["admin_email"] = "nobody@acme.example"
	res, err := google.New().Check(t.Context(), req)
	if err != nil || res.OK || !strings.Contains(res.Message, "nobody@acme.example") || !strings.Contains(res.Message, "invalid_grant") {
		t.Errorf("wrong admin: %+v, %v", res, err)
	}
	other := googletest.ServiceAccountKey("attest-reader@acme-security.iam.gserviceaccount.com", "1", googletest.NewKey(), srv.URL+"token")
	res, err = google.New().Check(t.Context(), attest.CollectRequest{Settings: srv.Settings(), Secret: other})
	if err != nil || res.OK || !strings.Contains(res.Message, "Invalid JWT Signature") {
		t.Errorf("wrong key: %+v, %v", res, err)
	}
}

func TestHiddenFieldsAreUnavailable(t *testing.T) {
	srv := start(t, func(s *googletest.Scenario) { s.Hide = []string{"isEnrolledIn2Sv", "lastLoginTime"} })
	col := collect(t, srv)
	u := find(t, col, google.TypeUser, "dave@acme.example")
	if _, ok := u.Data["enrolled_2sv"]; ok || !strings.Contains(u.Unavailable["enrolled_2sv"], "isEnrolledIn2Sv") ||
		!strings.Contains(u.Unavailable["last_login"], "lastLoginTime") || u.Data["enforced_2sv"] != false {
		t.Errorf("dave = %v, unavailable %v", u.Data, u.Unavailable)
	}
	d := find(t, col, google.TypeDomain, "acme.example")
	if _, ok := d.Data["users_without_2sv"]; ok || d.Unavailable["users_without_2sv"] == "" || d.Data["two_step_enforced_everywhere"] != false {
		t.Errorf("domain = %v, unavailable %v", d.Data, d.Unavailable)
	}
	res, err := google.New().Check(t.Context(), request(srv))
	if err != nil || res.OK || len(res.Missing) != 1 || !strings.Contains(res.Missing[0], "2-Step Verification") {
		t.Errorf("check = %+v, %v", res, err)
	}
}

func TestValidateRejectsWhatIsNotAServiceAccountKey(t *testing.T) {
	srv := start(t)
	c := google.New()
	if err := c.Validate(request(srv)); err != nil {
		t.Fatalf("a good key: %v", err)
	}
	var good map[string]any
	json.Unmarshal(srv.KeyFile(), &good)
	with := func(k string, v any) []byte {
		m := map[string]any{}
		for a, b := range good {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return b
	}
	pk := good["private_key"].(string)
	cases := map[string]struct {
		secret []byte
		want   string
	}{
		"garbage":        {[]byte("hunter2 is my secret"), "neither a JSON key file nor an access token"},
		"pem key":        {[]byte(pk), "neither a JSON key file nor an access token"},
		"token and key":  {with("access_token", "ya29.s3cr3t"), "not an OAuth access token"},
		"broken json":    {[]byte(`{"type": "service_account", "private_key": "s3cr3t`), "not valid JSON"},
		"oauth client":   {[]byte(`{"installed":{"client_id":"x","client_secret":"s3cr3t-client"}}`), "without a \"type\" field"},
		"user cred":      {[]byte(`{"type":"authorized_user","client_id":"x","client_secret":"s3cr3t-client","refresh_token":"1//s3cr3t"}`), "authorized_user"},
		"no email":       {with("client_email", nil), "without a client_email"},
		"no key":         {with("private_key", nil), "without a private_key"},
		"mangled key":    {with("private_key", strings.Replace(pk, "MII", "MIJ", 1)), "cannot be read"},
		"not pem":        {with("private_key", "s3cr3t-not-pem"), "not a PEM key"},
		"odd type":       {with("type", "s3cr3t-type"), "another type"},
		"not an object":  {[]byte(`["s3cr3t"]`), "neither a JSON key file nor an access token"},
		"empty settings": {srv.KeyFile(), "admin_email"},
	}
	for name, tc := range cases {
		req := attest.CollectRequest{Settings: srv.Settings(), Secret: tc.secret}
		if name == "empty settings" {
			req.Settings = map[string]string{}
		}
		err := c.Validate(req)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q does not say %q", name, msg, tc.want)
		}
		for _, secret := range []string{"s3cr3t", "hunter2", "PRIVATE KEY", pk[40:80]} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: the message echoes the secret: %q", name, msg)
			}
		}
		if name != "empty settings" && attest.ErrorField(err) != "secret" {
			t.Errorf("%s: field %q", name, attest.ErrorField(err))
		}
	}
}

func TestSettings(t *testing.T) {
	srv := start(t)
	c := google.New()
	for _, tc := range []struct{ key, value, want string }{
		{"token_url", "http://oauth.example.com/token", "https"},
		{"base_url", "http://admin.example.com/", "https"},
		{"admin_email", "alice", "email address"},
		{"customer", "my customer", "customer ID"},
	} {
		req := request(srv)
		req.Settings[tc.key] = tc.value
		err := c.Validate(req)
		if attest.ErrorField(err) != tc.key || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: %v", tc.key, tc.value, err)
		}
	}
	req := request(srv)
	req.Settings["token_url"] = "https://oauth2.googleapis.com/token"
	req.Settings["base_url"] = ""
	if err := c.Validate(req); err != nil {
		t.Errorf("defaults: %v", err)
	}
	spec := c.Spec()
	if spec.Type != google.Type || spec.SecretLabel != "Service account key (JSON), or an access token" || !slices.Equal(spec.ResourceTypes, []string{"google.user", "google.domain"}) {
		t.Errorf("spec = %+v", spec)
	}
}

func TestCustomerIDAndUnknownCustomer(t *testing.T) {
	srv := start(t)
	req := request(srv)
	req.Settings["customer"] = "C03acme42"
	if col, err := google.New().Collect(t.Context(), req); err != nil || len(col.Resources) != 9 {
		t.Errorf("by customer ID: %d resources, %v", len(col.Resources), err)
	}
	req.Settings["customer"] = "C0other"
	if _, err := google.New().Collect(t.Context(), req); attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "C0other") {
		t.Errorf("unknown customer: %v", err)
	}
}

func TestDomainSettingNamesTheSummary(t *testing.T) {
	srv := googletest.NewServer(googletest.DefaultScenario(time.Now()))
	defer srv.Close()
	req := attest.CollectRequest{Settings: srv.Settings(), Secret: srv.KeyFile(), Now: time.Now()}
	req.Settings["domain"] = "Acme.Example"
	col, err := google.New().Collect(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range col.Resources {
		if r.Type == google.TypeDomain {
			found = r.Key == "acme.example" && r.Data["domain"] == "acme.example"
		}
	}
	if !found {
		t.Fatal("the domain setting does not name the domain resource")
	}
	req.Settings["domain"] = "not a domain"
	if err := google.New().Validate(req); attest.ErrorField(err) != "domain" {
		t.Fatalf("a bad domain: %v", err)
	}
}

// A static access token is sent as it is: no token exchange, the same
// users, and a refused token says it may have expired.
func TestStaticTokenSkipsTheExchange(t *testing.T) {
	srv := start(t)
	tok := srv.AccessToken()
	c := google.New()
	for _, secret := range []string{tok, "Bearer " + tok, `{"access_token": "` + tok + `"}`} {
		req := attest.CollectRequest{Settings: srv.Settings(), Secret: []byte(secret), Now: now}
		if err := c.Validate(req); err != nil {
			t.Fatalf("Validate(%.20s…): %v", secret, err)
		}
		before := len(srv.Scenario.Requests())
		col, err := c.Collect(t.Context(), req)
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		if len(col.Resources) != 9 || len(col.Failed) != 0 {
			t.Errorf("%d resources, failed %v", len(col.Resources), col.Failed)
		}
		for _, r := range srv.Scenario.Requests()[before:] {
			if strings.Contains(r, "/token") {
				t.Errorf("a token exchange with a static token: %s", r)
			}
		}
	}
	res, err := c.Check(t.Context(), attest.CollectRequest{Settings: srv.Settings(), Secret: []byte(tok)})
	if err != nil || !res.OK || !strings.Contains(res.Identity, "static access token") {
		t.Errorf("Check = %+v, %v", res, err)
	}

	stale := attest.CollectRequest{Settings: srv.Settings(), Secret: []byte("ya29.expired-or-unknown"), Now: now}
	_, err = c.Collect(t.Context(), stale)
	if attest.ErrorCode(err) != attest.EUNAUTHORIZED || !strings.Contains(err.Error(), "static access token") || !strings.Contains(err.Error(), "expired") {
		t.Errorf("Collect with a refused token: %v", err)
	}
	res, err = c.Check(t.Context(), stale)
	if err != nil || res.OK || !strings.Contains(res.Message, "expired") {
		t.Errorf("Check with a refused token = %+v, %v", res, err)
	}
}
