// Package e2e drives the real Attest server through a real browser (headless
// Chromium via chromedp). Each test starts its own server on 127.0.0.1:0 with a
// fresh SQLite database. The tests share one browser, and each person in a
// scenario gets a browser context of their own, so their cookies never mix.
//
// PostgreSQL is covered by the storage and web tests; the browser tests run on
// SQLite only, to keep them fast.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// testTimeout bounds what each test does in the browser.
const testTimeout = 3 * time.Minute

// server is a running Attest.
type server struct {
	App       *app.App
	Base      string // e.g. http://127.0.0.1:41234
	SetupLink string // the one-time set-up link printed at start
}

var setupLinkRE = regexp.MustCompile(`https?://\S+/setup\?token=\S+`)

// startServer starts Attest as `attest serve` would, on a free port with a
// fresh SQLite database, and stops it when the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	return startServerOn(t, store.SQLite)
}

// startServerOn is startServer on a fresh database of dialect d.
func startServerOn(t *testing.T, d store.Dialect) *server {
	t.Helper()
	a, out := launch(t, d, false)
	link := setupLinkRE.FindString(out)
	if link == "" {
		t.Fatalf("no set-up link in the start-up output:\n%s", out)
	}
	if !strings.HasPrefix(link, a.URL+"/setup?token=") {
		t.Fatalf("set-up link %q does not start with the app URL %q", link, a.URL)
	}
	return &server{App: a, Base: a.URL, SetupLink: link}
}

// demoLoginRE matches one line of the demo's printed logins: role, email,
// password.
var demoLoginRE = regexp.MustCompile(`(?m)^\s+(\w+)\s+(\S+@\S+)\s+(\S+)$`)

// startDemo starts Attest as `attest serve --demo` would, on a fresh SQLite
// database: the demo organization with its programme, evidence and
// monitoring results, for tests that need pages full of real data. It
// returns the server and the demo's people by role, as printed at start.
func startDemo(t *testing.T) (*server, map[attest.Role]person) {
	t.Helper()
	a, out := launch(t, store.SQLite, true)
	people := map[attest.Role]person{}
	for _, m := range demoLoginRE.FindAllStringSubmatch(out, -1) {
		people[attest.Role(m[1])] = person{Email: m[2], Password: m[3]}
	}
	if people[attest.RoleAdmin].Email == "" {
		t.Fatalf("no admin login in the demo's start-up output:\n%s", out)
	}
	return &server{App: a, Base: a.URL}, people
}

// launch starts app.New on a fresh database of dialect d (with the demo
// data if demo is set), runs it until the test ends, and returns it with
// what it printed at start.
func launch(t *testing.T, d store.Dialect, demo bool, tweaks ...func(*app.Config)) (*app.App, string) {
	t.Helper()
	dbURL := jobstest.URL(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	cfg := app.Config{
		Addr:           "127.0.0.1:0",
		DatabaseURL:    dbURL,
		DataDir:        t.TempDir(), // evidence blobs and the signing key
		Out:            &out,
		PasswordParams: auth.TestParams,
		Log:            slog.New(slog.DiscardHandler),
		Demo:           demo,
	}
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("app.Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("app.Run did not return within 30s of cancellation")
		}
	})
	return a, out.String()
}

// chromiumPath finds the browser: $ATTEST_CHROMIUM, or chromium, chromium-browser
// or google-chrome on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ATTEST_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("ATTEST_CHROMIUM=%q: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	storetest.SkipOrFail(t, "the browser tests need Chromium: install Debian's chromium package (apt-get install chromium), "+
		"or put chromium, chromium-browser or google-chrome on PATH, or set ATTEST_CHROMIUM to the browser's path")
	return ""
}

// The package shares one headless Chromium, started by the first test that
// needs it and stopped by TestMain; each person in each test gets a browser
// context of their own (see person), which keeps cookies and storage apart as
// separate profiles would, without a browser start per test.
var chrome struct {
	once   sync.Once
	root   context.Context // has the browser; its own tab is unused
	stop   func()
	err    error
	stderr syncBuffer // the browser's output, shown if it fails to start
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chrome.stop != nil {
		chrome.stop()
	}
	os.Exit(code)
}

// startChrome starts the shared browser with a fresh, temporary profile.
func startChrome(path string) {
	profile, err := os.MkdirTemp("", "attest-e2e-chromium-")
	if err != nil {
		chrome.err = err
		return
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is tiny in many containers
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(&chrome.stderr),
	)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	chrome.root = root
	chrome.stop = func() {
		cancelRoot()
		cancelAlloc() // waits for the browser to exit
		os.RemoveAll(profile)
	}
	// The first action starts the browser and ties its life to root, so it
	// must not carry a test's deadline.
	if err := chromedp.Do(root); err != nil {
		chrome.err = fmt.Errorf("start %s: %w\n%s", path, err, chrome.stderr.String())
	}
}

// browser is the shared Chromium as one test sees it.
type browser struct {
	t   *testing.T
	ctx context.Context // the shared browser, with the test's deadline
}

// startBrowser returns the shared browser, starting it if need be, with a
// deadline of testTimeout for everything this test does in it. Tests call it
// first, so that without a browser they skip before starting anything else.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	return startBrowserWithin(t, testTimeout)
}

// startBrowserWithin is startBrowser with a deadline of d, for a test that
// does much more in the browser than most. The deadline runs from this call:
// seed a demo (startDemo) before, so that it bounds the browser's work only.
func startBrowserWithin(t *testing.T, d time.Duration) *browser {
	t.Helper()
	path := chromiumPath(t)
	chrome.once.Do(func() { startChrome(path) })
	if chrome.err != nil {
		t.Fatalf("Chromium: %v", chrome.err)
	}
	ctx, cancel := context.WithTimeout(chrome.root, d)
	t.Cleanup(cancel)
	return &browser{t: t, ctx: ctx}
}

// person opens a tab in a new browser context: a separate cookie jar, as if
// another person on another computer.
func (b *browser) person() *tab {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	return &tab{t: b.t, ctx: ctx}
}

// tab is one person's browser tab. Its methods fail the test on any browser error.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// open navigates to url and returns the HTTP status of the document.
func (p *tab) open(url string) int64 {
	p.t.Helper()
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.t.Fatalf("open %s: %v", url, err)
	}
	if resp == nil {
		p.t.Fatalf("open %s: no response", url)
	}
	return resp.Status
}

// submit fills values (name, value, name, value, …) into the named inputs,
// then clicks button and waits for the next page. It returns that page's status.
func (p *tab) submit(button string, values ...string) int64 {
	p.t.Helper()
	if len(values)%2 != 0 {
		p.t.Fatalf("submit %s: odd number of name/value arguments", button)
	}
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i < len(values); i += 2 {
		p.mustHave(`[name="` + values[i] + `"]`)
		sel := chromedp.CSS(`[name="` + values[i] + `"]`)
		// SetValue rather than typing: the pages have no scripts that
		// react to keys, and typing costs a round trip per character.
		steps = append(steps, chromedp.SetValue(sel, values[i+1]))
	}
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("fill form of %s: %v", button, err)
	}
	p.mustHave(button)
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		p.t.Fatalf("click %s: %v", button, err)
	}
	if resp == nil {
		p.t.Fatalf("click %s: no response", button)
	}
	return resp.Status
}

// choose selects value in the <select> that the CSS selector finds.
func (p *tab) choose(sel, value string) {
	p.t.Helper()
	p.mustHave(sel)
	if err := chromedp.Do(p.ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		p.t.Fatalf("choose %s=%s: %v", sel, value, err)
	}
	if got, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel))); err != nil || got != value {
		p.t.Fatalf("choose %s=%s: the select holds %q (%v); is %q one of its options?", sel, value, got, err, value)
	}
}

// location is the current URL. Reading it while a redirect chain replaces
// the document can fail ("Inspected target navigated or closed"); it is read
// again for a few seconds before the test fails.
func (p *tab) location() string {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		loc, err := chromedp.Run(p.ctx, chromedp.Location())
		if err == nil {
			return loc
		}
		if time.Now().After(deadline) || p.ctx.Err() != nil {
			p.t.Fatalf("location: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text is the visible text of the first element matching the CSS selector. A
// missing element fails the test at once, rather than waiting for it: every page
// is rendered by the server and complete when it has loaded.
func (p *tab) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[*string](`(e => e ? (e.innerText ?? e.textContent) : null)(document.querySelector(`+jsString(sel)+`))`))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	if s == nil {
		p.t.Fatalf("no element matches %s on %s; the page says:\n%s", sel, p.location(), p.body())
	}
	return strings.TrimSpace(*s)
}

// mustHave fails the test when no element matches the CSS selector within a
// few seconds, where chromedp's element actions would wait for one until the
// test's deadline. The few seconds are for the moment after a navigation,
// when an evaluation can still run in the document being replaced and find
// nothing (or fail).
func (p *tab) mustHave(sel string) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
		if err == nil && n > 0 {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no element matches %s on %s (%v); the page says:\n%s", sel, p.location(), err, p.body())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// body is the visible text of the whole page.
func (p *tab) body() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		p.t.Fatalf("page text: %v", err)
	}
	return s
}

// html is the whole document as HTML, hidden parts included.
func (p *tab) html() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		p.t.Fatalf("page HTML: %v", err)
	}
	return s
}

// count is the number of elements matching the CSS selector.
func (p *tab) count(sel string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		p.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// sidebar lists the labels of the main navigation.
func (p *tab) sidebar() []string {
	p.t.Helper()
	labels, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('nav.sidebar a'), a => a.textContent.trim())`))
	if err != nil {
		p.t.Fatalf("sidebar: %v", err)
	}
	return labels
}

// screenshot captures the whole page as PNG.
func (p *tab) screenshot() []byte {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// cookie returns the cookie called name that the browser holds for url, or nil.
func (p *tab) cookie(url, name string) *network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		p.t.Fatalf("cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// A person in the scenarios.
type person struct{ Name, Email, Password string }

var (
	testOrg      = struct{ Name, Slug string }{"Acme Robotics", "acme"}
	testAdmin    = person{"Ada Admin", "ada@acme.test", "correct horse battery"}
	testManager  = person{"Max Manager", "max@acme.test", "manager password 1"}
	testEmployee = person{"Emma Employee", "emma@acme.test", "employee password 1"}
)

// staff is testOrg as mustStaffedOrg creates it.
type staff struct {
	Org                      attest.Organization
	Admin, Manager, Employee attest.User
}

// mustStaffedOrg creates testOrg straight in the database with testAdmin,
// testManager and testEmployee as its admin, manager and employee, for
// scenarios that start after set-up and invitations (which have tests of
// their own).
func mustStaffedOrg(t *testing.T, db *store.DB) staff {
	t.Helper()
	org := attest.Organization{Slug: testOrg.Slug, Name: testOrg.Name}
	if err := db.CreateOrg(t.Context(), &org); err != nil {
		t.Fatalf("create organization: %v", err)
	}
	return staff{Org: org,
		Admin:    member(t, db, org, testAdmin, attest.RoleAdmin),
		Manager:  member(t, db, org, testManager, attest.RoleManager),
		Employee: member(t, db, org, testEmployee, attest.RoleEmployee)}
}

// member creates who, with their own name and password so that they can sign
// in, as a member of org with role.
func member(t *testing.T, db *store.DB, org attest.Organization, who person, role attest.Role) attest.User {
	t.Helper()
	u := storetest.MustCreateUser(t, db, attest.User{Email: who.Email, Name: who.Name}, who.Password)
	storetest.MustAddMember(t, db, org, u, role)
	return u
}

// percent rounds a 0..1 score down to a whole percentage, as the pages do
// ("99.6% is not shown as 100%").
func percent(score float64) int { return int(score*100 + 1e-9) }

// setUp completes the set-up link as the first admin and checks that the
// browser lands on the new organization's dashboard.
func setUp(t *testing.T, s *server, p *tab) {
	t.Helper()
	if st := p.open(s.SetupLink); st != http.StatusOK {
		t.Fatalf("set-up link: status %d, want 200; page:\n%s", st, p.body())
	}
	st := p.submit(`form[action="/setup"] button[type="submit"]`,
		"org_name", testOrg.Name, "org_slug", testOrg.Slug,
		"name", testAdmin.Name, "email", testAdmin.Email, "password", testAdmin.Password)
	if st != http.StatusOK {
		t.Fatalf("set-up form: status %d, want 200 after the redirect; page:\n%s", st, p.body())
	}
	if got, want := p.location(), s.Base+"/o/"+testOrg.Slug; got != want {
		t.Fatalf("after set-up the browser is at %s, want %s; page:\n%s", got, want, p.body())
	}
	if h1 := p.text("main h1"); h1 != testOrg.Name {
		t.Fatalf("dashboard heading %q, want the organization name %q", h1, testOrg.Name)
	}
}

// signIn signs in at /login and expects to land on the organization's dashboard.
func signIn(t *testing.T, s *server, p *tab, who person) {
	t.Helper()
	signInTo(t, s, p, who, testOrg.Slug)
}

// signInTo signs in at /login and expects to land on the dashboard of the
// organization called slug.
func signInTo(t *testing.T, s *server, p *tab, who person, slug string) {
	t.Helper()
	p.open(s.Base + "/login")
	st := p.submit(`form[action="/login"] button[type="submit"]`, "email", who.Email, "password", who.Password)
	if st != http.StatusOK {
		t.Fatalf("sign in as %s: status %d; page:\n%s", who.Email, st, p.body())
	}
	if got, want := p.location(), s.Base+"/o/"+slug; got != want {
		t.Fatalf("after signing in as %s the browser is at %s, want %s; page:\n%s", who.Email, got, want, p.body())
	}
}

// httpGet does a plain GET with Go's client (no browser), returning status and body.
func httpGet(t *testing.T, url string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, b
}
