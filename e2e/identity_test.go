package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector/google/googletest"
	"github.com/attest-hq/attest/connector/okta/oktatest"
)

// TestIdentityProvidersInTheBrowser: a manager connects Okta (as an OAuth
// service app that requires DPoP) and Google Workspace (a delegated service
// account) through the connections page, against the local Okta and Google
// servers; Check connection names the credential; each is run, the
// monitoring page shows the verdicts of their shipped tests, and the roster
// names the leaver who still has accounts at both, and the department Okta
// disagrees on.
func TestIdentityProvidersInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	st := mustStaffedOrg(t, s.App.DB)
	now := time.Now()
	oktaSrv := oktatest.NewServer(oktatest.DefaultScenario(now))
	t.Cleanup(oktaSrv.Close)
	googleSrv := googletest.NewServer(googletest.DefaultScenario(now))
	t.Cleanup(googleSrv.Close)

	// The workforce: Dave left last month but is active at both providers;
	// Erin left and Okta suspended her; Alice is in Security on the roster,
	// in IT at Okta and Google.
	lastMonth := now.AddDate(0, -1, 0).Format(attest.DateLayout)
	for _, p := range []attest.Person{
		{Name: "Alice Admin", Email: "alice@acme.example", StartDate: "2023-01-09", Department: "Security"},
		{Name: "Dave Sales", Email: "dave@acme.example", StartDate: "2023-05-02", EndDate: lastMonth},
		{Name: "Erin Leave", Email: "erin@acme.example", StartDate: "2023-05-02", EndDate: lastMonth},
	} {
		p.OrgID = st.Org.ID
		if err := s.App.DB.CreatePerson(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}

	m := b.person()
	signIn(t, s, m, testManager)
	base := s.Base + "/o/" + testOrg.Slug
	m.open(base + "/connections")
	m.add("okta", "name", "okta", "org_url", oktaSrv.URL, "secret", string(oktaSrv.ServiceAppSecret("pem")))
	m.add("google", "name", "workspace", "admin_email", "alice@acme.example", "base_url", googleSrv.URL,
		"token_url", googleSrv.URL+"token", "secret-file", string(googleSrv.KeyFile()))

	conns, err := s.App.DB.Connections(t.Context(), st.Org.ID)
	if err != nil || len(conns) != 2 {
		t.Fatalf("connections: %+v, %v", conns, err)
	}
	for _, c := range conns {
		m.open(base + "/connections")
		if code := m.submit(`form[action="/o/acme/connections/` + itoa(c.ID) + `/check"] button`); code != http.StatusOK {
			t.Fatalf("check %s: %d", c.Name, code)
		}
		got := m.text("#check-result")
		want := map[string][]string{
			"okta":      {"the connection works", "OAuth 2.0 service app", "service app 0oa1attestreader0001 (DPoP-bound token)"},
			"workspace": {"the connection works", "acting as alice@acme.example"},
		}[c.Name]
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("check of %s does not say %q:\n%s", c.Name, w, got)
			}
		}
	}

	for _, c := range conns {
		m.open(base + "/connections")
		if code := m.submit(`form[action="/o/acme/connections/` + itoa(c.ID) + `/run"] button`); code != http.StatusOK {
			t.Fatalf("run %s: %d", c.Name, code)
		}
		m.waitForRun()
	}

	m.open(base + "/monitoring")
	failing := m.text("#results")
	for _, w := range []string{
		"dave@acme.example: mfa_enrolled is false, expected true",      // okta.user_mfa: a security question and an email code
		"bob@acme.example: phishing_resistant is false, expected true", // okta.admin_phishing_resistant: SMS only
		"bob@acme.example: enrolled_2sv is false, expected true",       // google.user_2sv_enrolled
		"dave@acme.example: enforced_2sv is false, expected true",      // google.user_2sv_enforced
	} {
		if !strings.Contains(failing, w) {
			t.Errorf("failing results do not include %q:\n%s", w, failing)
		}
	}
	if strings.Contains(failing, "erin@acme.example: mfa_enrolled") || strings.Contains(failing, "alice@acme.example: mfa_enrolled") {
		t.Errorf("a suspended user, or one with a security key, fails the MFA test:\n%s", failing)
	}
	m.open(base + "/monitoring?status=pass")
	if passing := m.text("#results"); !strings.Contains(passing, "alice@acme.example") {
		t.Errorf("alice passes nothing:\n%s", passing)
	}

	m.open(base + "/people/roster")
	leavers := m.texts(`#findings li[data-finding="leaver_active"]`)
	if len(leavers) != 2 || !strings.Contains(leavers[0]+leavers[1], "okta account (dave@acme.example)") ||
		!strings.Contains(leavers[0]+leavers[1], "google account (dave@acme.example)") {
		t.Errorf("leavers with access: %q", leavers)
	}
	for _, l := range leavers {
		if !strings.Contains(l, "Dave Sales left on "+lastMonth) || !strings.Contains(l, "Leaver with access") {
			t.Errorf("leaver finding: %q", l)
		}
	}
	if got := m.texts(`#findings li[data-finding="department_conflict"]`); len(got) != 2 || !strings.Contains(got[0], "Department differs") ||
		!strings.Contains(got[0], "in department IT, the roster puts Alice Admin in Security") {
		t.Errorf("department conflicts: %q", got)
	}
	if got := m.text(`#people tr[data-email="erin@acme.example"]`); !strings.Contains(got, "disabled") {
		t.Errorf("Erin's suspended account: %q", got)
	}
}

// add fills the add-connection form of one connector type (its fields by
// their names: name, a setting's key, secret, or secret-file for a secret
// uploaded as a file) and submits it; the page must
// come back with the connection added.
func (p *tab) add(typ string, values ...string) {
	p.t.Helper()
	for i := 0; i+1 < len(values); i += 2 {
		sel := chromedp.CSS("#f-" + typ + "-" + values[i])
		step := chromedp.SetValue(sel, values[i+1])
		if values[i] == "secret-file" { // uploaded, as a downloaded key file is
			file := filepath.Join(p.t.TempDir(), "key.json")
			if err := os.WriteFile(file, []byte(values[i+1]), 0o600); err != nil {
				p.t.Fatal(err)
			}
			step = chromedp.SetUploadFiles(sel, []string{file})
		}
		if err := chromedp.Do(p.ctx, step); err != nil {
			p.t.Fatalf("fill %s of the %s form: %v", values[i], typ, err)
		}
	}
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(`#add-`+typ+` button[type="submit"]`)))
	if err != nil || resp == nil || resp.Status != http.StatusOK || !strings.Contains(p.body(), "was added") {
		p.t.Fatalf("add a %s connection: %v %v\n%s", typ, err, resp, p.body())
	}
}

// texts returns the text of every element the selector finds.
func (p *tab) texts(sel string) []string {
	p.t.Helper()
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+jsString(sel)+`), e => e.innerText)`))
	if err != nil {
		p.t.Fatalf("texts %s: %v", sel, err)
	}
	return out
}

// waitForRun follows the monitoring page, which reloads itself while a run
// is queued or running, until the run has finished.
func (p *tab) waitForRun() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// Between two reloads the element may briefly be missing.
		status, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(e => e ? e.innerText : "")(document.querySelector("#job-status"))`))
		if strings.Contains(status, "The run has finished") {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the run did not finish within 30 s; the page says:\n%s", p.body())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
