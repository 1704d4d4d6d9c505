package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/store/storetest"
)

// TestMonitoringInTheBrowser: a manager connects GitHub (the local GitHub
// server), runs it now and follows the run until its results arrive, finds
// the unprotected repository failing and the free-plan private one
// unverifiable, replays a verdict and requests an exception; the admin
// approves it and the result shows as excepted.
func TestMonitoringInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	admin := b.person()
	setUp(t, s, admin)
	gh := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
	t.Cleanup(gh.Close)

	svc := s.App.Services
	org, err := svc.DB.OrgBySlug(t.Context(), testOrg.Slug)
	if err != nil {
		t.Fatal(err)
	}
	mgr := storetest.MustCreateUser(t, svc.DB, attest.User{Email: testManager.Email, Name: testManager.Name}, testManager.Password)
	storetest.MustAddMember(t, svc.DB, org, mgr, attest.RoleManager)
	conn, err := svc.Connections.Add(t.Context(), attest.SystemPrincipal(org.ID, "e2e", attest.ViaSystem), connection.Input{Type: "github",
		Name: "github", Settings: map[string]string{"org": "northwind", "base_url": gh.URL}, Secret: []byte("ghp_test")})
	if err != nil {
		t.Fatal(err)
	}

	m := b.person()
	signIn(t, s, m, testManager)
	base := s.Base + "/o/" + testOrg.Slug
	m.open(base + "/monitoring")
	if st := m.submit(`form[action="/o/acme/connections/` + itoa(conn.ID) + `/run"] button`); st != http.StatusOK {
		t.Fatalf("Run now: status %d", st)
	}
	// The page refreshes itself until the job is done.
	m.waitForRun()
	if body := m.text("#results"); !strings.Contains(body, "northwind/docs: branch.protected is false, expected true") {
		t.Errorf("failing resources:\n%s", body)
	}
	m.open(base + "/monitoring?status=unverifiable")
	if body := m.text("#results"); !strings.Contains(body, "northwind/billing") || !strings.Contains(body, "Upgrade to GitHub Pro") {
		t.Errorf("unverifiable resources:\n%s", body)
	}

	m.open(base + "/monitoring/tests/github.branch_protected")
	if n := m.count(`svg.history rect`); n == 0 {
		t.Error("the test page has no history chart")
	}
	m.choose(`#f-resource`, "northwind/docs")
	m.submit(`#request-exception button[type="submit"]`, "reason", "Generated site; CI is the only writer.")
	if !strings.Contains(m.location(), "/monitoring/exceptions") || !strings.Contains(m.body(), "Another admin or manager approves your request.") {
		t.Fatalf("after the request the manager is at %s:\n%s", m.location(), m.body())
	}

	admin.open(base + "/monitoring/exceptions")
	admin.submit(`form[action$="/approve"] button`)
	if !strings.Contains(admin.body(), "active") {
		t.Errorf("after approval:\n%s", admin.body())
	}
	admin.open(base + "/monitoring/tests/github.branch_protected")
	if !strings.Contains(admin.text("#results"), "excepted") {
		t.Errorf("the excepted result is not marked:\n%s", admin.text("#results"))
	}
	// Replay a verdict from its snapshot.
	admin.open(base + "/monitoring?status=pass")
	admin.mustHave(`#results a[href*="/monitoring/results/"]`)
	href := admin.attr(`#results a[href*="/monitoring/results/"]`, "href")
	admin.open(s.Base + href)
	admin.submit(`form[action$="/replay"] button`)
	if !strings.Contains(admin.text("#replay"), "Same verdict.") {
		t.Errorf("replay: %s", admin.text("#replay"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// attr is an attribute of the first element matching the CSS selector.
func (p *tab) attr(sel, name string) string {
	p.t.Helper()
	p.mustHave(sel)
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).getAttribute(`+jsString(name)+`)`))
	if err != nil {
		p.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v
}
