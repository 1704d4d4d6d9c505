package github_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
)

// readAll is every permission the connector uses, granted read-only.
var readAll = map[string]string{"metadata": "read", "administration": "read", "members": "read",
	"organization_administration": "read", "pull_requests": "read", "deployments": "read", "vulnerability_alerts": "read", "secret_scanning_alerts": "read"}

// clock is a movable time shared by the connector and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// appServer serves the default scenario to a GitHub App (no personal token
// is accepted) with the given permissions.
func appServer(t *testing.T, perms map[string]string, clk *clock) *githubtest.Server {
	t.Helper()
	key, _ := githubtest.AppKey()
	sc := githubtest.DefaultScenario(now)
	sc.Token = "" // only the App signs in
	sc.App = &githubtest.App{ID: 31337, ClientID: "Iv23liAttestTest", Slug: "attest-reader", InstallationID: 777,
		Key: &key.PublicKey, Permissions: perms}
	sc.Now = clk.Now
	srv := githubtest.NewServer(sc)
	t.Cleanup(srv.Close)
	return srv
}

func appRequest(srv *githubtest.Server, set map[string]string) attest.CollectRequest {
	_, pemKey := githubtest.AppKey()
	s := map[string]string{"org": "northwind", "base_url": srv.URL, "app_id": "31337"}
	for k, v := range set {
		s[k] = v
	}
	return attest.CollectRequest{Settings: s, Secret: pemKey, Now: now}
}

func TestAppSignsInAndCollectsWhatATokenWould(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := appServer(t, readAll, clk)
	conn := github.New(github.WithClock(clk.Now))

	col, err := conn.Collect(t.Context(), appRequest(srv, nil))
	if err != nil {
		t.Fatalf("Collect as an App: %v", err)
	}
	// The same organization read with an owner's token gives the same
	// resources: signing in as an App loses nothing.
	pat := githubtest.NewServer(githubtest.DefaultScenario(now))
	defer pat.Close()
	want := collect(t, pat)
	if len(col.Resources) != len(want.Resources) {
		t.Fatalf("App collected %d resources, a token %d", len(col.Resources), len(want.Resources))
	}
	for i := range want.Resources {
		g, w := col.Resources[i], want.Resources[i]
		if g.Key != w.Key || !reflect.DeepEqual(g.Data, w.Data) || !reflect.DeepEqual(g.Unavailable, w.Unavailable) {
			t.Errorf("%s: App saw %v (unavailable %v), a token %v (unavailable %v)", w.Key, g.Data, g.Unavailable, w.Data, w.Unavailable)
		}
	}
	if n := srv.Scenario.TokensIssued(); n != 1 {
		t.Fatalf("tokens issued after one collection = %d, want 1", n)
	}
	// The installation was found from the organization, and the token is
	// kept for the next collection (a webhook must not mint one each).
	reqs := srv.Scenario.Requests()
	if !slices.Contains(reqs, "GET /orgs/northwind/installation") || !slices.Contains(reqs, "POST /app/installations/777/access_tokens") {
		t.Errorf("App sign-in requests: %v", reqs[:min(3, len(reqs))])
	}
	if _, err := conn.Collect(t.Context(), appRequest(srv, nil)); err != nil {
		t.Fatal(err)
	}
	if n := srv.Scenario.TokensIssued(); n != 1 {
		t.Errorf("tokens issued after a second collection = %d, want the first reused", n)
	}
	// Close to the token's expiry a new one is asked for before a request
	// could carry the old one.
	clk.Add(56 * time.Minute)
	if _, err := conn.Collect(t.Context(), appRequest(srv, nil)); err != nil {
		t.Fatalf("Collect after the token aged: %v", err)
	}
	if n := srv.Scenario.TokensIssued(); n != 2 {
		t.Errorf("tokens issued near expiry = %d, want a fresh one", n)
	}
	// A given installation ID skips the lookup.
	before := len(srv.Scenario.Requests())
	if _, err := github.New(github.WithClock(clk.Now)).Check(t.Context(), appRequest(srv, map[string]string{"installation_id": "777"})); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(srv.Scenario.Requests()[before:], "GET /orgs/northwind/installation") {
		t.Error("the installation was looked up although its ID was given")
	}
}

func TestAppCheckNamesMissingPermissions(t *testing.T) {
	clk := &clock{t: time.Now()}
	perms := map[string]string{"metadata": "read", "members": "read", "pull_requests": "read", "deployments": "read",
		"vulnerability_alerts": "read", "secret_scanning_alerts": "read"}
	srv := appServer(t, perms, clk)
	conn := github.New(github.WithClock(clk.Now))
	res, err := conn.Check(t.Context(), appRequest(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || len(res.Missing) != 2 || !strings.Contains(res.Missing[0], "Administration: read (repository") ||
		!strings.Contains(res.Missing[1], "Administration: read (organization") || !strings.Contains(res.Identity, "31337") {
		t.Errorf("Check = %+v", res)
	}
	// What the installation cannot read is unavailable, never a failure.
	col, err := conn.Collect(t.Context(), appRequest(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	repo := find(t, col, github.TypeRepository, "northwind/web")
	if _, ok := repo.Unavailable["branch"]; !ok {
		t.Errorf("branch protection without Administration: %v (unavailable %v)", repo.Data["branch"], repo.Unavailable)
	}
	org := find(t, col, github.TypeOrganization, "northwind")
	if _, ok := org.Unavailable["members_without_2fa"]; !ok {
		t.Errorf("two-factor state without organization Administration: %v", org.Unavailable)
	}

	full := appServer(t, readAll, clk)
	if res, err := conn.Check(t.Context(), appRequest(full, nil)); err != nil || !res.OK || len(res.Missing) != 0 {
		t.Errorf("Check with every permission = %+v, %v", res, err)
	}
}

func TestAppSignInFailuresAreExplained(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := appServer(t, readAll, clk)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)})
	for name, tc := range map[string]struct {
		set    map[string]string
		secret []byte
		want   string
	}{
		"another key":          {nil, otherPEM, "refused the App's JWT"},
		"another App":          {map[string]string{"app_id": "1"}, nil, "refused the App's JWT"},
		"another installation": {map[string]string{"installation_id": "778"}, nil, "not installed on the organization, or the installation ID is wrong"},
	} {
		t.Run(name, func(t *testing.T) {
			req := appRequest(srv, tc.set)
			if tc.secret != nil {
				req.Secret = tc.secret
			}
			res, err := github.New(github.WithClock(clk.Now)).Check(t.Context(), req)
			if err != nil || res.OK || !strings.Contains(res.Message, tc.want) {
				t.Errorf("Check = %+v, %v; want a message with %q", res, err, tc.want)
			}
			if _, err := github.New(github.WithClock(clk.Now)).Collect(t.Context(), req); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Collect = %v; want %q", err, tc.want)
			}
		})
	}
	// A clock far from GitHub's makes the JWT expired or issued in the
	// future: said, not hidden.
	skewed := &clock{t: clk.Now().Add(-time.Hour)}
	res, err := github.New(github.WithClock(skewed.Now)).Check(t.Context(), appRequest(srv, nil))
	if err != nil || !strings.Contains(res.Message, "'exp'") {
		t.Errorf("Check with a slow clock = %+v, %v", res, err)
	}
}

func TestAppKeyIsReadOrRefusedByField(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := appServer(t, readAll, clk)
	key, _ := githubtest.AppKey()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	req := appRequest(srv, nil)
	req.Secret = pkcs8
	if res, err := github.New(github.WithClock(clk.Now)).Check(t.Context(), req); err != nil || !res.OK {
		t.Errorf("Check with a PKCS #8 key = %+v, %v", res, err)
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	_, good := githubtest.AppKey()
	for name, tc := range map[string]struct {
		set    map[string]string
		secret string
		field  string
	}{
		"no app_id":      {map[string]string{"app_id": ""}, string(good), "app_id"},
		"bad install":    {map[string]string{"installation_id": "seven"}, string(good), "installation_id"},
		"truncated":      {nil, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "secret"},
		"garbage":        {nil, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "secret"},
		"elliptic curve": {nil, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})), "secret"},
		"encrypted":      {nil, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "secret"},
		"two blocks":     {nil, string(good) + string(good), "secret"},
		"a certificate":  {nil, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "secret"},
	} {
		t.Run(name, func(t *testing.T) {
			req := appRequest(srv, tc.set)
			req.Secret = []byte(tc.secret)
			_, err := github.New().Collect(t.Context(), req)
			if attest.ErrorField(err) != tc.field {
				t.Errorf("Collect = %v; want an error naming %s", err, tc.field)
			}
			if err != nil && strings.Contains(err.Error(), "MII") {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
}

func TestAppWithoutDeploymentsLeavesThemUnavailable(t *testing.T) {
	clk := &clock{t: time.Now()}
	perms := map[string]string{}
	for k, v := range readAll {
		if k != "deployments" {
			perms[k] = v
		}
	}
	srv := appServer(t, perms, clk)
	col, err := github.New(github.WithClock(clk.Now)).Collect(t.Context(), appRequest(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	api := find(t, col, github.TypeRepository, "northwind/api")
	if _, has := api.Data["deployments"]; has || !strings.Contains(api.Unavailable["deployments"], "Deployments: read") {
		t.Errorf("deployments without the permission: data %v, unavailable %v", api.Data["deployments"], api.Unavailable)
	}
	if pulls := api.Data["merged_pulls"].([]any); len(pulls) != 2 {
		t.Errorf("pull requests are still read: %v", pulls)
	}
}
