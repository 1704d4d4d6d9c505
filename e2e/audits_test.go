package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/export/auditpkg"
)

// TestAuditorWorksTheirAuditInTheBrowser is the audit workspace's journey in
// a browser, on the demo: a manager invites an auditor from another firm
// into the demo's Type 2; the auditor joins with the link, sees that audit
// and nothing else, flags a submitted request back with a reason, the
// manager provides it again, the auditor accepts it; the auditor reads the
// reconciled populations and the results, and downloads the audit package,
// which verifies offline with the install's public key (OSCAL included).
// What the auditor downloaded is in the organization's activity log.
func TestAuditorWorksTheirAuditInTheBrowser(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s, people := startDemo(t)
	org := s.Base + "/o/demo"

	mp := b.person()
	signInTo(t, s, mp, people[attest.RoleManager], "demo")
	mp.open(org + "/audits")
	// The list's newest audit is the demo's Type 2 in fieldwork.
	href, err := chromedp.Run(mp.ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-audit] a').getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	audit := s.Base + href
	mp.open(audit)
	// The page's "End access" forms carry a hidden email too: fill the
	// invitation's own field.
	if err := chromedp.Do(mp.ctx, chromedp.SetValue(chromedp.CSS("#f-email"), "ana@ledger.test")); err != nil {
		t.Fatal(err)
	}
	if code := mp.submit(`form[action$="/auditors"] button[type="submit"]`); code != http.StatusCreated {
		t.Fatalf("invite answered %d: %s", code, mp.body())
	}
	link := mp.text("#invite-link")

	ap := b.person()
	ap.open(link)
	if code := ap.submit(`button.primary`, "name", "Ana Auditor", "password", "correct horse battery staple"); code != http.StatusOK {
		t.Fatalf("joining answered %d: %s", code, ap.body())
	}
	if got := ap.location(); got != audit {
		t.Fatalf("the auditor landed on %s, want the audit %s", got, audit)
	}
	if nav := ap.sidebar(); len(nav) != 1 || nav[0] != "Audits" {
		t.Errorf("the auditor's navigation: %v", nav)
	}
	for _, page := range []string{org, org + "/people", org + "/evidence", org + "/activity"} {
		if code := ap.open(page); code != http.StatusForbidden {
			t.Errorf("the auditor opened %s: %d, want 403", page, code)
		}
	}

	// The request list: the submitted request is flagged back with the
	// reason, provided again by the manager, and accepted.
	ap.open(audit + "/requests?status=submitted")
	reqHref, err := chromedp.Run(ap.ctx, chromedp.Evaluate[string](`document.querySelector('#requests tr[data-request] a').getAttribute('href')`))
	if err != nil {
		t.Fatalf("no submitted request in the demo: %v", err)
	}
	request := s.Base + reqHref
	ap.open(request)
	if code := ap.submit("#flag-request", "text", "The export has no dates: add the period it covers."); code != http.StatusOK {
		t.Fatalf("flag answered %d: %s", code, ap.body())
	}
	if got := ap.text("#request-status"); got != "Flagged" {
		t.Fatalf("after the flag the request is %q", got)
	}
	mp.open(request)
	if !strings.Contains(mp.text("#request-history"), "The export has no dates") {
		t.Errorf("the owner does not see the reason: %s", mp.text("#request-history"))
	}
	if code := mp.submit("#submit-request", "text", "Re-exported with the period in its header."); code != http.StatusOK {
		t.Fatalf("providing again answered %d: %s", code, mp.body())
	}
	ap.open(request)
	if code := ap.submit("#accept-request"); code != http.StatusOK {
		t.Fatalf("accept answered %d: %s", code, ap.body())
	}
	if got, history := ap.text("#request-status"), ap.text("#request-history"); got != "Accepted" ||
		!strings.Contains(history, "The export has no dates") || !strings.Contains(history, "Re-exported with the period") {
		t.Errorf("after the acceptance: %q, history %s", got, history)
	}

	// The populations, reconciled and tested, and the results.
	ap.open(audit + "/populations")
	pops, err := chromedp.Run(ap.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main a'), a => a.getAttribute('href')).filter(h => /\/populations\/\d+$/.test(h))`))
	if err != nil || len(pops) < 7 {
		t.Fatalf("the auditor sees the populations %v (%v), want the demo's 7", pops, err)
	}
	popHref := pops[0]
	ap.open(s.Base + popHref)
	if body := ap.body(); !strings.Contains(body, "Census") || !strings.Contains(body, "Reconciliation against") {
		t.Errorf("a population's page: %s", body)
	}
	ap.open(audit + "/results")
	if got := ap.text("#result-counts"); !strings.Contains(got, "pass") {
		t.Errorf("the results: %q", got)
	}

	// The package, with the auditor's own session, verifies offline.
	ck := ap.cookie(s.Base, "attest_session")
	if ck == nil {
		t.Fatal("the auditor has no session cookie")
	}
	code, pkg := httpGet(t, audit+"/package", http.Header{"Cookie": {ck.Name + "=" + ck.Value}})
	if code != http.StatusOK {
		t.Fatalf("the package download answered %d: %.300s", code, pkg)
	}
	rep, err := auditpkg.Verify(bytes.NewReader(pkg), int64(len(pkg)), s.App.Services.Evidence.Chain().Public())
	if err != nil || rep.Samples < 1 {
		t.Fatalf("the auditor's package: %+v, %v", rep, err)
	}

	// The organization reads what the auditor opened and downloaded.
	admin := b.person()
	signInTo(t, s, admin, people[attest.RoleAdmin], "demo")
	admin.open(org + "/activity")
	logged, err := chromedp.Run(admin.ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll('main tr, main li')).some(e => e.textContent.includes('ana@ledger.test') && /package/i.test(e.textContent))`))
	if err != nil || !logged {
		t.Errorf("the activity log has no entry of the auditor's package download (%v): %.2000s", err, admin.body())
	}
}
