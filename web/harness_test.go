package web_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
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
	svc   *evidence.Service
	srv   *web.Server
	ts    *httptest.Server
	clock *clock
	alpha attest.Organization
	beta  attest.Organization
	users map[string]attest.User // admin, manager, employee, auditor, spare, outsider
}

var start = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// fixture is the populated SQLite database every SQLite env starts from, built
// once per test binary and copied per test: building it anew for each of the
// authorization matrix's hundreds of requests would dominate the run.
var fixture struct {
	once  sync.Once
	dir   string
	cat   *catalog.Catalog
	alpha attest.Organization
	beta  attest.Organization
	users map[string]attest.User
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func buildFixture() {
	f := &fixture
	if f.cat, f.err = catalog.Load(); f.err != nil {
		return
	}
	if f.dir, f.err = os.MkdirTemp("", "attest-web-fixture-"); f.err != nil {
		return
	}
	db, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(f.dir, "attest.db"), Now: func() time.Time { return start }})
	if err != nil {
		f.err = err
		return
	}
	defer db.Close() // closing checkpoints the WAL into the file we copy
	if _, f.err = db.Migrate(ctx); f.err != nil {
		return
	}
	f.alpha, f.beta, f.users, f.err = populate(db)
}

// populate creates the two organizations and their members.
func populate(db *store.DB) (alpha, beta attest.Organization, users map[string]attest.User, err error) {
	users = map[string]attest.User{}
	hash, _ := auth.HashPassword(password, auth.TestParams)
	alpha, beta = attest.Organization{Slug: "alpha", Name: "Org alpha"}, attest.Organization{Slug: "beta", Name: "Org beta"}
	for _, o := range []*attest.Organization{&alpha, &beta} {
		if err = db.CreateOrg(ctx, o); err != nil {
			return
		}
	}
	for _, m := range []struct {
		key  string
		org  attest.Organization
		role attest.Role
	}{{"admin", alpha, attest.RoleAdmin}, {"manager", alpha, attest.RoleManager}, {"employee", alpha, attest.RoleEmployee},
		{"auditor", alpha, attest.RoleAuditor}, {"spare", alpha, attest.RoleEmployee}, {"outsider", beta, attest.RoleAdmin}} {
		u := attest.User{Email: m.key + "@" + m.org.Slug + ".test", Name: strings.ToUpper(m.key[:1]) + m.key[1:], PasswordHash: hash}
		if err = db.CreateUser(ctx, &u); err != nil {
			return
		}
		if err = db.AddMember(ctx, m.org.ID, u.ID, m.role); err != nil {
			return
		}
		users[m.key] = u
	}
	return
}

func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	if d != store.SQLite {
		e := newBareEnv(t, d)
		var err error
		if e.alpha, e.beta, e.users, err = populate(e.db); err != nil {
			t.Fatal(err)
		}
		return e
	}
	fixture.once.Do(buildFixture)
	if fixture.err != nil {
		t.Fatalf("test fixture: %v", fixture.err)
	}
	b, err := os.ReadFile(filepath.Join(fixture.dir, "attest.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "attest.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	db, err := store.Open(ctx, store.Options{URL: "sqlite:" + path, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := serve(t, db, c)
	e.alpha, e.beta = fixture.alpha, fixture.beta
	for k, u := range fixture.users {
		e.users[k] = u
	}
	return e
}

// newBareEnv is a server on an empty database: a fresh install.
func newBareEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	c := &clock{t: start}
	return serve(t, storetest.Open(t, d, c.Now), c)
}

func serve(t *testing.T, db *store.DB, c *clock) *env {
	t.Helper()
	fixture.once.Do(buildFixture)
	if fixture.err != nil {
		t.Fatalf("test fixture: %v", fixture.err)
	}
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	_, key, _ := ed25519.GenerateKey(nil)
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20}
	srv, err := web.New(web.Config{DB: db, Catalog: fixture.cat, Evidence: svc, Now: c.Now, Log: slog.New(slog.DiscardHandler), PasswordParams: auth.TestParams, BaseURL: "http://attest.test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, db: db, svc: svc, srv: srv, ts: ts, clock: c, users: map[string]attest.User{}}
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
