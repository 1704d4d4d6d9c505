// Package webtest runs the whole web server (every UI and API route) on a fresh
// database for tests of web, web/ui and web/api: organizations alpha (one user
// per role plus a spare employee) and beta (its own admin), browser-like
// clients and an API caller.
package webtest

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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/api"
	"github.com/attest-hq/attest/web/hooks"
	"github.com/attest-hq/attest/web/ui"
)

var ctx = context.Background()

// Password is every fixture user's password.
const Password = storetest.Password

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is a server on a fresh database with two organizations:
// alpha (one user per role plus a spare employee) and beta (its own admin).
type Env struct {
	T        *testing.T
	DB       *store.DB
	Evidence *evidence.Service
	// Connections registers Probe and seals with a fixed test key.
	Connections *connection.Service
	Monitor     *monitor.Service
	Jobs        *jobs.Jobs // never started: jobs stay queued unless a test runs them
	Policies    *policy.Service
	Notify      *notify.Service // no queue: messages wait until a test delivers them
	// Checklists observes account steps after a collection, as the worker does.
	Checklists *programme.Checklists
	Srv        *web.Server
	TS         *httptest.Server
	Clock      *Clock
	Alpha      attest.Organization
	Beta       attest.Organization
	Users      map[string]attest.User // admin, manager, employee, auditor, spare, outsider, guest (an auditor of alpha's audit)

	web web.Services // what Srv was built with, for Unkept's servers
}

// Start is the clock's time when an Env starts.
var Start = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// fixture is the built-in catalog and the records of sqliteFixture, the
// populated SQLite database every SQLite env starts from, built once per test
// binary and copied per test: building it anew for each of the authorization
// matrix's hundreds of requests would dominate the run.
var fixture struct {
	once    sync.Once
	cat     *catalog.Catalog
	records records
	err     error
}

var sqliteFixture = storetest.SQLiteTemplate{Build: func(url string) error {
	db, err := store.Open(ctx, store.Options{URL: url, Now: func() time.Time { return Start }})
	if err != nil {
		return err
	}
	defer db.Close() // closing checkpoints the WAL into the file copied
	return prepare(db, &fixture.records)
}}

// records are what populate created in a fixture database.
type records struct {
	alpha, beta attest.Organization
	users       map[string]attest.User
}

// pgFixture is the PostgreSQL counterpart of fixture: a template database
// copied per test, for the same reason.
var (
	pgRecords records
	pgFixture = storetest.PostgresTemplate{Build: func(url string) error {
		db, err := store.Open(ctx, store.Options{URL: url, Now: func() time.Time { return Start }})
		if err != nil {
			return err
		}
		defer db.Close() // a template must have nobody in it when it is copied
		return prepare(db, &pgRecords)
	}}
)

// prepare migrates db (Attest's tables and the job queue's) and populates it.
func prepare(db *store.DB, r *records) (err error) {
	if _, err = db.Migrate(ctx); err != nil {
		return err
	}
	if _, err = jobs.Migrate(ctx, db); err != nil {
		return err
	}
	r.alpha, r.beta, r.users, err = populate(db)
	return err
}

// Main runs a package's tests and removes the shared fixture afterwards; call
// it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	pgFixture.Close()
	os.Exit(code)
}

func buildFixture() {
	fixture.cat, fixture.err = catalog.Load()
}

// populate creates the two organizations and their members.
func populate(db *store.DB) (alpha, beta attest.Organization, users map[string]attest.User, err error) {
	users = map[string]attest.User{}
	hash, _ := auth.HashPassword(Password, auth.TestParams)
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
	// guest: no membership, an auditor invited into alpha's audit in
	// fieldwork, who sees that audit's pages and nothing else.
	guest := attest.User{Email: "guest@firm.test", Name: "Guest", PasswordHash: hash}
	if err = db.CreateUser(ctx, &guest); err != nil {
		return
	}
	audit := attest.Audit{OrgID: alpha.ID, Name: "SOC 2 Type 2", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30",
		Firm: "Firm LLP", Status: attest.AuditFieldwork}
	if err = db.CreateAudit(ctx, &audit); err != nil {
		return
	}
	if err = db.AddAuditor(ctx, alpha.ID, audit.ID, guest.Email); err != nil {
		return
	}
	if err = db.JoinAuditor(ctx, alpha.ID, audit.ID, guest.Email, guest.ID); err != nil {
		return
	}
	users["guest"] = guest
	return
}

// New is a server on a database of dialect d holding the two organizations.
func New(t *testing.T, d store.Dialect) *Env {
	t.Helper()
	fixture.once.Do(buildFixture)
	if fixture.err != nil {
		t.Fatalf("test fixture: %v", fixture.err)
	}
	// Both dialects copy a database prepared once.
	fx := &fixture.records
	var url string
	if d != store.SQLite {
		url, fx = pgFixture.Clone(t), &pgRecords
	} else {
		url = sqliteFixture.Clone(t) // fills fixture.records the first time
	}
	c := &Clock{t: Start}
	db, err := store.Open(ctx, store.Options{URL: url, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := serve(t, db, c)
	e.Alpha, e.Beta = fx.alpha, fx.beta
	for k, u := range fx.users {
		e.Users[k] = u
	}
	return e
}

// NewBare is a server on an empty database: a fresh install.
func NewBare(t *testing.T, d store.Dialect) *Env {
	t.Helper()
	c := &Clock{t: Start}
	db := storetest.Open(t, d, c.Now)
	if _, err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	return serve(t, db, c)
}

func serve(t *testing.T, db *store.DB, c *Clock) *Env {
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
	services := app.NewServices(db, blobs, key, fixture.cat, app.Settings{Now: c.Now, PasswordParams: auth.TestParams, MaxUpload: 1 << 20,
		Secrets: testBox(), Connectors: connectors})
	svc := services.Evidence
	// A job queue that is never started: "Run now" and webhooks queue
	// collections, and their status is read, as in a server whose worker
	// runs elsewhere. Its tables are migrated already.
	if services.Jobs, err = jobs.New(db, jobs.Config{}, services.CollectionRunner(), services.Connections); err != nil {
		t.Fatal(err)
	}
	ws := services.Web("http://attest.test")
	ws.Log = slog.New(slog.DiscardHandler)
	srv, err := web.New(web.Config{Services: ws}, ui.Routes, api.Routes, hooks.Routes)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &Env{T: t, DB: db, Evidence: svc, Connections: services.Connections, Monitor: services.Monitor, Jobs: services.Jobs,
		Policies: services.Policies, Notify: services.Notify, Checklists: services.Checklists, Srv: srv, TS: ts, Clock: c, Users: map[string]attest.User{},
		web: ws}
}

// Member adds a user of role to o, known to the Env as key.
func (e *Env) Member(o attest.Organization, key string, role attest.Role) attest.User {
	u := storetest.MustCreateUser(e.T, e.DB, attest.User{Email: key + "@" + o.Slug + ".test", Name: strings.ToUpper(key[:1]) + key[1:]}, Password)
	storetest.MustAddMember(e.T, e.DB, o, u, role)
	e.Users[key] = u
	return u
}

// Token creates an API token for a user in an organization and returns its secret.
func (e *Env) Token(o attest.Organization, key string) (string, attest.APIToken) {
	secret := auth.NewSecret("atk_")
	tok := attest.APIToken{OrgID: o.ID, UserID: e.Users[key].ID, Name: "test", Prefix: secret[:12]}
	if err := e.DB.CreateToken(ctx, &tok, auth.HashSecret(secret)); err != nil {
		e.T.Fatal(err)
	}
	return secret, tok
}

// Client is a browser-like HTTP client with its own cookies that does not follow redirects.
type Client struct {
	e    *Env
	HTTP *http.Client
}

// Anon is a client that has not signed in.
func (e *Env) Anon() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{e: e, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login signs a user in through the login form.
func (e *Env) Login(key string) *Client {
	e.T.Helper()
	c := e.Anon()
	res := c.Post("/login", url.Values{"email": {e.Users[key].Email}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d: %s", key, res.StatusCode, res.Text)
	}
	return c
}

// Response is a response with its body read.
type Response struct {
	*http.Response
	Text string
}

// Do sends req.
func (c *Client) Do(req *http.Request) Response {
	c.e.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.e.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{res, string(b)}
}

// Get fetches path.
func (c *Client) Get(path string) Response {
	req, _ := http.NewRequest("GET", c.e.TS.URL+path, nil)
	return c.Do(req)
}

// Post submits a form to path.
func (c *Client) Post(path string, form url.Values) Response {
	req, _ := http.NewRequest("POST", c.e.TS.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// CSV is a request body the API is sent as text/csv (a people import).
type CSV string

// API calls the JSON API (path relative to /api/v1) with a bearer token;
// body is sent as is when a string or a CSV, as JSON otherwise.
func (e *Env) API(method, path, token string, body any) Response {
	e.T.Helper()
	var r io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case CSV:
		r, contentType = strings.NewReader(string(b)), "text/csv"
	default:
		j, _ := json.Marshal(b)
		r = strings.NewReader(string(j))
	}
	req, _ := http.NewRequest(method, e.TS.URL+"/api/v1"+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	return e.Anon().Do(req)
}

// RedirectsTo reports whether r is a 303 to a location starting with prefix.
func (r Response) RedirectsTo(prefix string) bool {
	return r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), prefix)
}

// Decode reads r's JSON body.
func Decode[T any](t *testing.T, r Response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Text), &v); err != nil {
		t.Fatalf("decode %q: %v", r.Text, err)
	}
	return v
}

// SetupSecret creates a set-up link's secret, valid for an hour.
func (e *Env) SetupSecret() string {
	s := auth.NewSecret("")
	if err := e.DB.CreateSetupToken(ctx, auth.HashSecret(s), e.Clock.Now().Add(time.Hour)); err != nil {
		e.T.Fatal(err)
	}
	return s
}

// Unkept sends req, with the client's cookies, to a server built afresh on
// the Env's services, which has kept no page: the page as rendered from the
// records now, to hold what the Env's server serves (which may have kept it)
// to.
func (c *Client) Unkept(req *http.Request) Response {
	c.e.T.Helper()
	for _, ck := range c.HTTP.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	srv, err := web.New(web.Config{Services: c.e.web}, ui.Routes, api.Routes, hooks.Routes)
	if err != nil {
		c.e.T.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return Response{rec.Result(), rec.Body.String()}
}

// URL is the server's address of path.
func (c *Client) URL(path string) string { return c.e.TS.URL + path }
