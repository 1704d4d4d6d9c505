package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web"
)

var ctx = context.Background()

const password = "correct horse battery staple"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a server on a fresh database with two organizations:
// alpha (one user per role plus a spare employee) and beta (its own admin).
type env struct {
	t     *testing.T
	db    *store.DB
	srv   *web.Server
	ts    *httptest.Server
	clock *clock
	alpha attest.Organization
	beta  attest.Organization
	users map[string]attest.User // admin, manager, employee, auditor, spare, outsider
}

func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	e := newBareEnv(t, d)
	e.alpha = e.org("alpha")
	e.beta = e.org("beta")
	for _, r := range []string{"admin", "manager", "employee", "auditor"} {
		e.member(e.alpha, r, attest.Role(r))
	}
	e.member(e.alpha, "spare", attest.RoleEmployee)
	e.member(e.beta, "outsider", attest.RoleAdmin)
	return e
}

// newBareEnv is a server on an empty database: a fresh install.
func newBareEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	db := storetest.Open(t, d, c.Now)
	srv, err := web.New(web.Config{DB: db, Now: c.Now, Log: slog.New(slog.DiscardHandler), PasswordParams: auth.TestParams, BaseURL: "http://attest.test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, db: db, srv: srv, ts: ts, clock: c, users: map[string]attest.User{}}
}

func (e *env) org(slug string) attest.Organization {
	o := attest.Organization{Slug: slug, Name: "Org " + slug}
	if err := e.db.CreateOrg(ctx, &o); err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *env) member(o attest.Organization, key string, role attest.Role) attest.User {
	hash, _ := auth.HashPassword(password, auth.TestParams)
	u := attest.User{Email: key + "@" + o.Slug + ".test", Name: strings.ToUpper(key[:1]) + key[1:], PasswordHash: hash}
	if err := e.db.CreateUser(ctx, &u); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.AddMember(ctx, o.ID, u.ID, role); err != nil {
		e.t.Fatal(err)
	}
	e.users[key] = u
	return u
}

// token creates an API token for a user in an organization and returns its secret.
func (e *env) token(o attest.Organization, key string) (string, attest.APIToken) {
	secret := auth.NewSecret("atk_")
	tok := attest.APIToken{OrgID: o.ID, UserID: e.users[key].ID, Name: "test", Prefix: secret[:12]}
	if err := e.db.CreateToken(ctx, &tok, auth.HashSecret(secret)); err != nil {
		e.t.Fatal(err)
	}
	return secret, tok
}

// client is a browser-like HTTP client with its own cookies that does not follow redirects.
type client struct {
	e    *env
	http *http.Client
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs a user in through the login form.
func (e *env) login(key string) *client {
	e.t.Helper()
	c := e.anon()
	res := c.post("/login", url.Values{"email": {e.users[key].Email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", key, res.StatusCode, res.body)
	}
	return c
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res, string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// api calls the JSON API with a bearer token.
func (e *env) api(method, path, token string, body any) response {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			r = strings.NewReader(string(b))
		}
	}
	req, _ := http.NewRequest(method, e.ts.URL+"/api/v1"+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.anon().do(req)
}

func (r response) redirectsTo(prefix string) bool {
	return r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), prefix)
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}
