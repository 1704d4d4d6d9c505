package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/demo"
)

// TestISO27001InTheDemo: the manager finds ISO 27001 beside SOC 2 in the
// demo, excludes an Annex A control with a reason on the scope page, and the
// ISO requirements page leaves it out of the score while its own page says
// why.
func TestISO27001InTheDemo(t *testing.T) {
	t.Parallel()
	s, people := startDemo(t)
	b := startBrowser(t)
	base := s.Base + "/o/" + demo.OrgSlug

	mp := b.person()
	signInTo(t, s, mp, people[attest.RoleManager], demo.OrgSlug)
	mp.open(base)
	if got := mp.text("#framework-iso27001"); !strings.Contains(got, "ISO 27001 readiness") || !strings.Contains(got, "3 excluded") {
		t.Fatalf("the dashboard's ISO 27001 card: %q", got)
	}
	saveScreenshot(t, mp, "iso27001-dashboard-1440.png", 1000)
	mp.open(base + "/scope")
	if got := mp.text(`[id="soa-A.7.6"]`); !strings.Contains(got, "excluded") || !strings.Contains(got, "no secure areas") {
		t.Fatalf("A.7.6 on the scope page: %q", got)
	}
	const why = "Staff work from home and the offices hold no equipment that needs protecting."
	if err := chromedp.Do(mp.ctx, chromedp.SetValue(chromedp.CSS(`[id="j-A.7.8"]`), why)); err != nil {
		t.Fatal(err)
	}
	if status := mp.submit(`[id="soa-A.7.8"] button`); status != 200 {
		t.Fatalf("exclude: status %d", status)
	}
	if got := mp.text(`[id="soa-A.7.8"]`); !strings.Contains(got, why) {
		t.Fatalf("A.7.8 after excluding it: %q", got)
	}
	saveScreenshot(t, mp, "iso27001-scope-1440.png", 1000)
	mp.open(base + "/criteria?framework=iso27001")
	if got := mp.body(); !strings.Contains(got, "4 Annex A control(s) excluded") || strings.Contains(got, "Siting and protecting equipment") {
		t.Fatalf("the ISO requirements page still scores A.7.8")
	}
	mp.open(base + "/criteria/A.7.8?framework=iso27001")
	if got := mp.body(); !strings.Contains(got, "Excluded from the Statement of Applicability") || !strings.Contains(got, why) {
		t.Fatalf("A.7.8's page: %s", got)
	}
	mp.open(base + "/criteria/5.2?framework=iso27001")
	if got := mp.text("#shared"); !strings.Contains(got, "SOC 2") {
		t.Fatalf("5.2 shares nothing with SOC 2: %q", got)
	}
	saveScreenshot(t, mp, "iso27001-requirement-1440.png", 1000)
}
