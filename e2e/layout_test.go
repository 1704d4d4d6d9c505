package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/demo"
)

// Widths the pages are checked and photographed at: a laptop and a phone.
const (
	desktopWidth = 1440
	phoneWidth   = 390
)

// demoPage is a page of the demo organization the layout test visits.
type demoPage struct {
	Name string // names its screenshots
	Path string // below /o/{org}
	Main bool   // one of the main pages, photographed at both widths
}

// demoPages lists the pages of the demo organization that the layout test
// visits: the main ones (dashboard, controls, one control, criteria,
// evidence, one evidence item, coverage, monitoring, tasks, activity,
// settings), then the others one reaches from them. One control, one
// evidence item and so on are the first ones their lists link to.
func demoPages(t *testing.T, s *server, p *tab) []demoPage {
	t.Helper()
	base := s.Base + "/o/" + demo.OrgSlug
	first := func(list, pattern string) string { return firstLink(t, p, base+list, pattern) }
	return []demoPage{
		{"dashboard", "", true}, {"controls", "/controls", true}, {"control", first("/controls", `/controls/\d+$`), true},
		{"criteria", "/criteria", true}, {"evidence", "/evidence", true}, {"evidence-item", first("/evidence", `/evidence/\d+$`), true},
		{"coverage", "/coverage", true}, {"monitoring", "/monitoring", true}, {"tasks", "/tasks", true},
		{"activity", "/activity", true}, {"settings", "/settings", true}, {"risks", "/risks", true},

		{"criterion", first("/criteria", `/criteria/[^/]+$`), false}, {"scope", "/scope", false},
		{"iso27001", "/criteria?framework=iso27001", false}, {"iso27001-requirement", "/criteria/A.5.15?framework=iso27001", false},
		{"iso27001-matrix", "/criteria/matrix?framework=iso27001", false},
		{"connections", "/connections", false}, {"monitoring-test", first("/monitoring", `/monitoring/tests/[^/]+$`), false},
		{"monitoring-result", first("/monitoring", `/monitoring/results/\d+$`), false},
		{"exceptions", "/monitoring/exceptions", false}, {"task", first("/tasks", `/tasks/\d+$`), false},
		{"tokens", "/tokens", false}, {"roster", "/people/roster", false}, {"populations", "/people/populations", false}, {"audit populations", "/audit-populations", false}, {"checklists", "/people/checklists", false}, {"notifications", "/notifications", false},
		{"notification-settings", "/settings/notifications", false},
		{"changes", "/changes", false},
		{"risk", first("/risks", `/risks/R-\d+$`), false}, {"risk-assessments", "/risk-assessments", false},
		{"risk-assessment", first("/risk-assessments", `/risk-assessments/ra_[0-9a-f]+$`), false},
		{"vendors", "/vendors", false}, {"vendor", first("/vendors", `/vendors/\d+$`), false},
		{"access-reviews", "/access-reviews", false}, {"access-review", first("/access-reviews", `/access-reviews/\d+$`), false},
		{"incidents", "/incidents", true}, {"incident", first("/incidents", `/incidents/\d+$`), false},
		{"exercise", first("/incidents", `/exercises/\d+$`), false},
		{"training", "/people/training", false}, {"background-checks", "/people/background", false}, {"my-training", "/my/training", false},
		{"audits", "/audits", false}, {"audit", first("/audits", `/audits/\d+$`), false},
		{"audit-populations-of-audit", first(first("/audits", `/audits/\d+$`), `/audits/\d+/populations$`), false},
		{"audit-population", first(first(first("/audits", `/audits/\d+$`), `/audits/\d+/populations$`), `/populations/\d+$`), false},
		{"audit-results", first(first("/audits", `/audits/\d+$`), `/audits/\d+/results$`), false},
		{"audit-requests", first(first("/audits", `/audits/\d+$`), `/audits/\d+/requests$`), false},
		{"audit-request", first(first(first("/audits", `/audits/\d+$`), `/audits/\d+/requests$`), `/requests/\d+$`), false},
	}
}

// demoAdmin starts the browser and the demo, and signs in as the demo's
// admin, who sees every page. The browser's deadline is four times the usual:
// the layout test opens some thirty pages and takes twenty-two full-page
// screenshots (the list of controls is 22,000 px tall at 390 px wide), which
// on a loaded machine takes more than a minute.
func demoAdmin(t *testing.T) (*server, *tab) {
	t.Helper()
	s, people := startDemo(t)
	b := startBrowserWithin(t, 4*testTimeout)
	p := b.person()
	signInTo(t, s, p, people[attest.RoleAdmin], demo.OrgSlug)
	return s, p
}

// firstLink opens url and returns the path, below /o/{org}, of its first
// link whose path matches pattern.
func firstLink(t *testing.T, p *tab, url, pattern string) string {
	t.Helper()
	p.open(url)
	path, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(Array.from(document.querySelectorAll('main a[href]'), a => a.pathname)
		.find(h => new RegExp(`+jsString(pattern)+`).test(h)) || '')`))
	if err != nil || path == "" {
		t.Fatalf("no link matching %s on %s (%v); page:\n%s", pattern, url, err, p.body())
	}
	return regexp.MustCompile(`^/o/[^/]+`).ReplaceAllString(path, "")
}

// resize makes the tab's viewport width pixels wide, as a desktop browser
// window of that width (not a mobile browser, which would zoom out to fit a
// page too wide and hide the overflow this file looks for).
func (p *tab) resize(width int64) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		p.t.Fatalf("resize to %d px: %v", width, err)
	}
}

// fit is how wide a page is laid out against its viewport.
type fit struct {
	ScrollWidth int     // of the document: wider than the viewport means a horizontal scroll
	Viewport    int     // window.innerWidth
	Topbar      float64 // width of the top bar
	Widest      string  // the innermost elements past the right edge, to name in a failure
}

func (p *tab) fit() fit {
	p.t.Helper()
	f, err := chromedp.Run(p.ctx, chromedp.Evaluate[fit](`(() => {
		// The elements that overflow although none of their children does:
		// where the overflow starts, rather than the containers it widens;
		// not those a scrolling container holds in.
		const edge = document.documentElement.clientWidth, over = el => el.getBoundingClientRect().right > edge + 0.5;
		const name = el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
		// A scrolling container clips what it contains, except an absolutely
		// placed element whose containing block lies outside it.
		const clipped = el => {
			const from = getComputedStyle(el).position === 'absolute' ? el.offsetParent : el.parentElement;
			for (let a = from; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== 'visible') return true; }
			return false;
		};
		const widest = Array.from(document.body.querySelectorAll('*')).filter(el => over(el) && !clipped(el) && !Array.from(el.children).some(over))
			.slice(0, 3).map(el => name(el) + ' to ' + Math.round(el.getBoundingClientRect().right) + ' px').join(', ');
		return {ScrollWidth: document.documentElement.scrollWidth, Viewport: window.innerWidth,
			Topbar: document.querySelector('header.topbar').getBoundingClientRect().width, Widest: widest};
	})()`))
	if err != nil {
		p.t.Fatalf("measure the page: %v", err)
	}
	return f
}

// TestMainPagesFitAPhone opens each page of the demo organization, full of
// data, as its admin at 390 px wide: none may scroll sideways (a wide table
// scrolls inside its card instead), and the top bar spans the whole viewport.
// Each main page is also photographed at 1440 and 390 px into the artifacts
// folder (see artifactsDir), for a person to look at.
func TestMainPagesFitAPhone(t *testing.T) {
	t.Parallel()
	s, p := demoAdmin(t)
	pages := demoPages(t, s, p)
	base := s.Base + "/o/" + demo.OrgSlug
	for _, width := range []int64{desktopWidth, phoneWidth} {
		p.resize(width)
		for _, pg := range pages {
			if width != phoneWidth && !pg.Main {
				continue
			}
			if st := p.open(base + pg.Path); st != http.StatusOK {
				t.Errorf("%s (%s) at %d px: status %d", pg.Name, pg.Path, width, st)
				continue
			}
			f := p.fit()
			if f.Viewport != int(width) {
				t.Fatalf("%s: the viewport is %d px wide, want %d", pg.Name, f.Viewport, width)
			}
			if width == phoneWidth {
				if f.ScrollWidth > f.Viewport {
					t.Errorf("%s (%s) at %d px scrolls sideways: the document is %d px wide; widest: %s",
						pg.Name, pg.Path, width, f.ScrollWidth, f.Widest)
				}
				if int(f.Topbar+0.5) != f.Viewport {
					t.Errorf("%s at %d px: the top bar is %.1f px wide, want the viewport's %d px", pg.Name, width, f.Topbar, f.Viewport)
				}
			}
			if pg.Main {
				saveScreenshot(t, p, fmt.Sprintf("%s-%d.png", pg.Name, width), int(width))
			}
		}
	}
}

// TestShortHashShowsFullValueOnClick: an evidence item's SHA-256 shows as its
// first 12 hex characters; one click on them shows the whole digest, as
// stored, without script, wrapped to fit a phone.
func TestShortHashShowsFullValueOnClick(t *testing.T) {
	t.Parallel()
	s, p := demoAdmin(t)
	path := firstLink(t, p, s.Base+"/o/"+demo.OrgSlug+"/evidence", `/evidence/\d+$`)
	var id int64
	if _, err := fmt.Sscanf(path, "/evidence/%d", &id); err != nil {
		t.Fatalf("evidence path %q: %v", path, err)
	}
	org, err := s.App.DB.OrgBySlug(t.Context(), demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.App.DB.Evidence(t.Context(), org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.SHA256) != 64 {
		t.Fatalf("stored SHA-256 %q is not 64 hex characters", e.SHA256)
	}

	// Script off: the full value must be reachable without it.
	if _, err := chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	p.resize(phoneWidth)
	p.open(s.Base + "/o/" + demo.OrgSlug + path)
	summary := `details.hash > summary[title="` + e.SHA256 + `"]`
	p.mustHave(summary)
	state := func() (shown string, open, fullVisible bool, full string) {
		t.Helper()
		r, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]any](`(s => [s.querySelector('code').innerText, s.parentElement.open,
			s.parentElement.querySelector('.hash-full').checkVisibility(), s.parentElement.querySelector('.hash-full').textContent])(document.querySelector(`+jsString(summary)+`))`))
		if err != nil || len(r) != 4 {
			t.Fatalf("read the hash: %v (%v)", err, r)
		}
		return r[0].(string), r[1].(bool), r[2].(bool), r[3].(string)
	}
	shown, open, visible, _ := state()
	if shown != e.SHA256[:12] {
		t.Errorf("the page shows %q, want the first 12 characters %q", shown, e.SHA256[:12])
	}
	if open || visible {
		t.Errorf("the full value shows before any click (open %v, visible %v)", open, visible)
	}
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(summary))); err != nil {
		t.Fatalf("click the short hash: %v", err)
	}
	_, open, visible, full := state()
	if !open || !visible || full != e.SHA256 {
		t.Errorf("after a click: open %v, full value visible %v, full value %q; want open, visible, %q", open, visible, full, e.SHA256)
	}
	// The whole digest wraps on a phone rather than widening the page.
	if f := p.fit(); f.ScrollWidth > f.Viewport {
		t.Errorf("with the full value open the page is %d px wide at %d px; widest: %s", f.ScrollWidth, f.Viewport, f.Widest)
	}
	saveScreenshot(t, p, fmt.Sprintf("evidence-item-hash-open-%d.png", phoneWidth), phoneWidth)
}
