package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

// TestEvidence walks the "done when" of evidence: a manager uploads a file for
// a quarterly access control in the browser, sees the control turn Ready, its
// criteria's readiness and the dashboard move and the quarter covered for
// Type 2, previews the file in a sandbox, and exports the bundle; a third party
// verifies the bundle offline with the public key from the admin's settings,
// and the verification catches a changed byte and a wrong key. Employees
// cannot reach the evidence.
func TestEvidence(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	ctx := t.Context()
	db := s.App.DB
	orgURL := s.Base + "/o/" + testOrg.Slug
	base := "/o/" + testOrg.Slug // links on the pages are relative to the host

	// 1. The organization, its people and its programme, straight into the
	// database: adoption and editing controls have tests of their own.
	people := mustStaffedOrg(t, db)
	org, managerUser := people.Org, people.Manager
	manager, employee := testManager, testEmployee
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Queries) error {
		_, err := programme.Adopt(ctx, tx, cat, org.ID)
		return err
	}); err != nil {
		t.Fatalf("adopt the library: %v", err)
	}
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// The first quarterly control, by ref, behind CC6.2 that evidence alone
	// makes ready: AC-4 also needs an access review completed in Attest.
	var ctl attest.Control
	for _, c := range controls {
		if c.Frequency == "quarterly" && c.Ref != "AC-4" && slices.ContainsFunc(c.Mappings, func(m attest.Mapping) bool { return m.Framework == "soc2" && m.Requirement == "CC6.2" }) {
			ctl = c
			break
		}
	}
	if ctl.ID == 0 {
		t.Fatalf("no adopted control is quarterly and maps to CC6.2")
	}
	ctl.Status, ctl.OwnerID = attest.StatusImplemented, managerUser.ID
	if err := db.UpdateControl(ctx, &ctl); err != nil {
		t.Fatalf("implement %s: %v", ctl.Ref, err)
	}
	ctlID := strconv.FormatInt(ctl.ID, 10)
	controlURL := orgURL + "/controls/" + ctlID

	// The current quarter, in UTC as the server counts it.
	now := time.Now().UTC()
	qStart := time.Date(now.Year(), (now.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	qEnd := qStart.AddDate(0, 3, -1)
	quarter := fmt.Sprintf("%d-Q%d", qStart.Year(), (int(qStart.Month())-1)/3+1)
	from, to := qStart.Format("2006-01-02"), qEnd.Format("2006-01-02")

	// Before: implemented without evidence counts half.
	mp := b.person()
	signIn(t, s, mp, manager)
	mp.open(controlURL)
	if badge := mp.text("main .head-row .badge"); badge != "Implemented, no evidence" {
		t.Errorf("%s before any evidence is %q, want Implemented, no evidence", ctl.Ref, badge)
	}
	mp.open(orgURL + "/criteria")
	before := evCriteria(t, mp)
	var mapped []string // the in-scope criteria ctl supports
	for _, m := range ctl.Mappings {
		if m.Framework != "soc2" {
			continue
		}
		row, ok := before[m.Requirement]
		if !ok {
			continue
		}
		mapped = append(mapped, m.Requirement)
		if want := percent(0.5 / float64(row.controls)); row.percent != want {
			t.Errorf("%s before evidence is %d%%, want %d%% (half of 1 of %d controls)", m.Requirement, row.percent, want, row.controls)
		}
	}
	if !slices.Contains(mapped, "CC6.2") {
		t.Fatalf("the criteria page does not list CC6.2 among %s's criteria %v", ctl.Ref, mapped)
	}
	mp.open(orgURL)
	if legend := mp.text("main ul.legend"); !strings.Contains(legend, "1 Implemented, no evidence") || strings.Contains(legend, "Ready") {
		t.Errorf("the dashboard's control legend before evidence:\n%s\nwant 1 Implemented, no evidence and nothing Ready", legend)
	}

	// 2. The manager adds a CSV export of user accounts as evidence for the
	// control, for the whole quarter.
	content := []byte("account,role,reviewed_by,decision\nada@acme.test,admin,max@acme.test,keep\nold@acme.test,admin,max@acme.test,remove\n")
	sum := sha256.Sum256(content)
	wantSHA := hex.EncodeToString(sum[:])
	file := filepath.Join(t.TempDir(), "access-review.csv")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		t.Fatal(err)
	}
	title := "Quarterly access review " + quarter
	if st := mp.open(orgURL + "/evidence"); st != http.StatusOK {
		t.Fatalf("manager GET /evidence: status %d; page:\n%s", st, mp.body())
	}
	if h2 := mp.text("#upload h2"); h2 != "Add evidence" {
		t.Errorf("the upload card is headed %q, want Add evidence", h2)
	}
	if got := mp.text("main table tbody"); got != "No evidence yet." {
		t.Errorf("the evidence library of a new organization lists %q", got)
	}
	form := `form[action="` + base + `/evidence"]`
	mp.choose("#f-kind", "file")
	box := `#f-control input[name="control"][value="` + ctlID + `"]`
	mp.mustHave(box)
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(box))); err != nil {
		t.Fatal(err)
	}
	if n := mp.count(`#f-control input[name="control"]:checked`); n != 1 {
		t.Fatalf("tick %s in #f-control: %d ticked", ctl.Ref, n)
	}
	mp.mustHave("#f-file")
	// Note whether upload.js took the submission over (it prevents the
	// default post and sends it with XMLHttpRequest): this listener runs after
	// the script's, and the note outlives the page, which the response replaces.
	if err := chromedp.Do(mp.ctx,
		chromedp.SetValue(chromedp.CSS("#f-title"), title),
		chromedp.SetValue(chromedp.CSS("#f-period_start"), from),
		chromedp.SetValue(chromedp.CSS("#f-period_end"), to),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(form)+`).addEventListener('submit',
			e => sessionStorage.setItem('ev-xhr', String(e.defaultPrevented)))`),
	); err != nil {
		t.Fatalf("fill the evidence form: %v", err)
	}
	evSubmit(t, mp, form+` button[type="submit"]`, regexp.MustCompile(`^`+regexp.QuoteMeta(base)+`/evidence/\d+$`))
	list, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("the database holds %d evidence items after the upload, want 1; page:\n%s", len(list), mp.body())
	}
	ev := list[0]
	itemPath := fmt.Sprintf("%s/evidence/%d", base, ev.ID)
	if loc := mp.location(); loc != s.Base+itemPath {
		t.Errorf("after adding evidence the browser is at %s, want %s", loc, s.Base+itemPath)
	}
	if xhr, err := chromedp.Run(mp.ctx, chromedp.Evaluate[string](`sessionStorage.getItem('ev-xhr') ?? 'not submitted'`)); err != nil || xhr != "true" {
		t.Errorf("upload.js did not send the form (submit default prevented: %s, %v); the plain post was used", xhr, err)
	}
	if n := mp.count(".flash"); n == 0 {
		t.Errorf("after adding evidence the page shows no flash, want %q", "Evidence added to the ledger as entry 1.")
	} else if flash := mp.text(".flash"); flash != "Evidence added to the ledger as entry 1." {
		t.Errorf("after adding evidence the flash says %q", flash)
	}
	if ev.Kind != attest.KindFile || ev.Title != title || ev.Filename != "access-review.csv" || ev.SHA256 != wantSHA ||
		ev.Size != int64(len(content)) || ev.LedgerSeq != 1 || ev.AddedBy != managerUser.ID ||
		len(ev.Controls) != 1 || ev.Controls[0].ID != ctl.ID ||
		ev.PeriodStart.Format("2006-01-02") != from || ev.PeriodEnd.UTC().Format("2006-01-02") != to {
		t.Errorf("the evidence in the database is %+v; want file %q, access-review.csv, sha256 %s, %d bytes, entry 1, added by %d, for %s, covering %s to %s",
			ev, title, wantSHA, len(content), managerUser.ID, ctl.Ref, from, to)
	}
	if h1 := mp.text("main h1"); h1 != title {
		t.Errorf("the evidence page is headed %q, want %q", h1, title)
	}
	if badge := mp.text("main .head-row .badge"); badge != "Current" {
		t.Errorf("the new evidence is marked %q, want Current", badge)
	}
	facts := evFacts(t, mp)
	for dt, want := range map[string]string{
		"Kind": "file", "SHA-256": wantSHA, "Size": fmt.Sprintf("%d bytes", len(content)), "Media type": "text/csv",
		"Covers": from + " to " + to, "Source": manager.Email, "ID": ev.UID,
	} {
		if got := facts[dt]; got != want {
			t.Errorf("the evidence page's %s is %q, want %q", dt, got, want)
		}
	}
	if got := facts["Ledger"]; !strings.HasPrefix(got, "entry 1 · record hash "+ev.RecordHash) {
		t.Errorf("the evidence page's Ledger says %q, want entry 1 and the record hash %s", got, ev.RecordHash)
	}
	if got := mp.text(`main a[href="` + base + `/controls/` + ctlID + `"]`); got != ctl.Ref {
		t.Errorf("the evidence page links %s as %q", ctl.Ref, got)
	}

	// 3. Readiness: the control is Ready, each of its criteria gains the other
	// half of a control, and the dashboard counts it.
	mp.open(controlURL)
	if badge := mp.text("main .head-row .badge"); badge != "Ready" {
		t.Errorf("%s with current evidence is %q, want Ready", ctl.Ref, badge)
	}
	if gaps := mp.count("main .gaps"); gaps != 0 {
		t.Errorf("%s with current evidence still lists what is missing:\n%s", ctl.Ref, mp.text("main .gaps"))
	}
	mp.open(orgURL + "/criteria")
	after := evCriteria(t, mp)
	for _, id := range mapped {
		row := after[id]
		if want := percent(1 / float64(row.controls)); row.percent != want || row.percent <= before[id].percent {
			t.Errorf("%s after the evidence is %d%% (was %d%%), want %d%% (1 of %d controls ready)", id, row.percent, before[id].percent, want, row.controls)
		}
	}
	for id, row := range after {
		if !slices.Contains(mapped, id) && row.percent != before[id].percent {
			t.Errorf("%s, which %s does not map to, moved from %d%% to %d%%", id, ctl.Ref, before[id].percent, row.percent)
		}
	}
	mp.open(orgURL)
	if legend := mp.text("main ul.legend"); !strings.Contains(legend, "1 Ready") || strings.Contains(legend, "Implemented, no evidence") {
		t.Errorf("the dashboard's control legend after evidence:\n%s\nwant 1 Ready and nothing implemented without evidence", legend)
	}

	// The library lists the item under the control.
	mp.open(orgURL + "/evidence")
	if row := mp.text(`main tbody tr:has(a[href="` + itemPath + `"])`); !strings.Contains(row, title) || !strings.Contains(row, ctl.Ref) || !strings.HasSuffix(row, "#1") {
		t.Errorf("the evidence library lists the item as %q, want its title, %s and ledger entry #1", row, ctl.Ref)
	}

	// 4. Type 2 coverage: the quarter is covered for the control; the quarter
	// before it is not.
	ctlRow := `main tbody tr:has(a[href="` + base + `/controls/` + ctlID + `"])`
	mp.open(orgURL + "/coverage?from=" + from + "&to=" + to)
	if h2 := mp.text("main section.card h2"); !strings.HasPrefix(h2, "1 of ") {
		t.Errorf("coverage of %s to %s is headed %q, want 1 of N periods covered", from, to, h2)
	}
	// The heatmap's row for the control: three month cells of the quarter,
	// each covered, with the mark that reads without colour.
	if n := mp.count(ctlRow + ` td.heat.covered`); n != 3 || !strings.Contains(mp.text(ctlRow), "1/1") || !strings.Contains(mp.text(ctlRow), "quarterly") {
		t.Errorf("coverage of %s: %d covered month cells (want 3), row %q", ctl.Ref, n, mp.text(ctlRow))
	}
	if got := mp.text(ctlRow + ` td.heat.covered`); !strings.HasPrefix(got, "✓") {
		t.Errorf("a covered cell reads %q", got)
	}
	prevFrom, prevTo := qStart.AddDate(0, -3, 0).Format("2006-01-02"), qStart.AddDate(0, 0, -1).Format("2006-01-02")
	mp.open(orgURL + "/coverage?from=" + prevFrom + "&to=" + prevTo + "&gaps=1")
	if n := mp.count(ctlRow + ` td.heat.gap`); n != 3 || !strings.Contains(mp.text(ctlRow), "0/1") {
		t.Errorf("coverage of the quarter before (%s to %s), gaps only: %d gap cells for %s (want 3), row %q", prevFrom, prevTo, n, ctl.Ref, mp.text(ctlRow))
	}

	// 5. The preview: the content is served as text in a sandbox, so even
	// script in a file cannot run with the manager's session.
	mp.open(s.Base + itemPath)
	contentPath := itemPath + "/content"
	if src, err := chromedp.Run(mp.ctx, chromedp.Evaluate[string](`document.querySelector('main iframe.text-preview')?.getAttribute('src') ?? ''`)); err != nil || src != contentPath {
		t.Errorf("the evidence page previews %q (%v), want an iframe of %s", src, err, contentPath)
	}
	// A sandboxed document has an opaque origin: the page cannot reach into it.
	if _, err := chromedp.Run(mp.ctx, chromedp.Poll[bool](`(f => f !== null && f.contentDocument === null)(document.querySelector('main iframe.text-preview'))`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the preview's document is reachable from the page (not sandboxed) or never loaded: %v", err)
	}
	managerCookies := evCookies(t, mp, s.Base)
	resp, body := evGet(t, s.Base+contentPath, managerCookies)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, content) {
		t.Errorf("GET %s: status %d, %d bytes; want 200 and the file's %d bytes", contentPath, resp.StatusCode, len(body), len(content))
	}
	if ct := h.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("the content is served as %q, want text/plain; charset=utf-8", ct)
	}
	if csp := h.Get("Content-Security-Policy"); !slices.Contains(strings.Split(strings.ReplaceAll(csp, " ", ""), ";"), "sandbox") {
		t.Errorf("the content's Content-Security-Policy is %q, want a sandbox", csp)
	}
	if v := h.Get("X-Content-Type-Options"); v != "nosniff" {
		t.Errorf("the content's X-Content-Type-Options is %q, want nosniff", v)
	}
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
		t.Errorf("the preview's Content-Disposition is %q, want inline", cd)
	}
	if resp, _ := evGet(t, s.Base+contentPath+"?download=1", managerCookies); !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("the download's Content-Disposition is %q, want attachment", resp.Header.Get("Content-Disposition"))
	}

	// 6. The export, fetched with the manager's session as the browser's
	// "Export verifiable bundle" link would, and verified offline with the
	// public key the admin hands over.
	mp.open(orgURL + "/evidence")
	exportLink := `main .actions a[href="` + base + `/evidence/export"]`
	if label := mp.text(exportLink); label != "Export verifiable bundle" {
		t.Errorf("the export link says %q, want Export verifiable bundle", label)
	}
	resp, bundle := evGet(t, orgURL+"/evidence/export", managerCookies)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET the export: status %d, %s; want 200 and a zip:\n%.500s", resp.StatusCode, resp.Header.Get("Content-Type"), bundle)
	}
	if cd := resp.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="attest-evidence-acme-\d{8}T\d{6}Z\.zip"$`).MatchString(cd) {
		t.Errorf("the export's Content-Disposition is %q", cd)
	}
	bundlePath := filepath.Join(t.TempDir(), "bundle.zip")
	if err := os.WriteFile(bundlePath, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	if resp, _ := evGet(t, orgURL+"/evidence/export", ""); resp.StatusCode == http.StatusOK {
		t.Errorf("the export is served without a session")
	}

	ap := b.person()
	signIn(t, s, ap, testAdmin)
	ap.open(orgURL + "/settings")
	keyText := ap.text("#public-key")
	pub, err := ledger.ParsePublicKey(keyText)
	if err != nil {
		t.Fatalf("the settings page's public key %q: %v", keyText, err)
	}
	saved, err := os.ReadFile(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ledger.VerifyBundle(bytes.NewReader(saved), int64(len(saved)), pub)
	if err != nil {
		t.Fatalf("the exported bundle does not verify with the settings page's key: %v", err)
	}
	if rep.Org != testOrg.Slug || rep.Entries != 1 || rep.Evidence != 1 || rep.Blobs != 1 || rep.Bytes != int64(len(content)) || rep.CheckpointSeq != 1 {
		t.Errorf("verification report %+v; want org %s, 1 entry, 1 evidence item, 1 file of %d bytes, checkpoint at 1", rep, testOrg.Slug, len(content))
	}

	// One changed byte in the file fails verification, naming entry 1.
	blobName := "blobs/sha256/" + wantSHA[:2] + "/" + wantSHA
	tampered := evRewriteZip(t, saved, blobName, func(b []byte) []byte {
		b = bytes.Clone(b)
		b[len(b)/2] ^= 0x01
		return b
	})
	_, err = ledger.VerifyBundle(bytes.NewReader(tampered), int64(len(tampered)), pub)
	var failure *ledger.Failure
	if !errors.As(err, &failure) || failure.Seq != 1 || !strings.Contains(err.Error(), "ledger entry 1 ") || !strings.Contains(err.Error(), "does not match its SHA-256") {
		t.Errorf("a bundle with one byte of the file changed: %v; want a failure of ledger entry 1 naming the file's SHA-256", err)
	}
	// Another key fails verification too.
	other, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ledger.VerifyBundle(bytes.NewReader(saved), int64(len(saved)), other)
	if !errors.As(err, &failure) || failure.Seq != 1 || !strings.Contains(err.Error(), "signed by key") {
		t.Errorf("the bundle verified against another key: %v; want a failure of entry 1's checkpoint", err)
	}

	// 7. Employees cannot reach the evidence.
	ep := b.person()
	signIn(t, s, ep, employee)
	for _, path := range []string{"/evidence", fmt.Sprintf("/evidence/%d", ev.ID), "/coverage"} {
		if st := ep.open(orgURL + path); st != http.StatusForbidden {
			t.Errorf("employee GET %s: status %d, want 403", path, st)
		}
		if h1 := ep.text("main h1"); h1 != "Forbidden" {
			t.Errorf("employee GET %s: heading %q, want Forbidden", path, h1)
		}
	}
	employeeCookies := evCookies(t, ep, s.Base)
	for _, path := range []string{contentPath, base + "/evidence/export"} {
		resp, body := evGet(t, s.Base+path, employeeCookies)
		if resp.StatusCode != http.StatusForbidden || bytes.Contains(body, content[:20]) {
			t.Errorf("employee GET %s: status %d, want 403 without the content", path, resp.StatusCode)
		}
	}
	if nav := ep.sidebar(); slices.Contains(nav, "Evidence") {
		t.Errorf("the employee's sidebar %q offers Evidence", nav)
	}

	log, err := db.Activity(ctx, org.ID, attest.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action+" by "+a.ActorLabel)
	}
	for _, want := range []string{"evidence.added by " + manager.Email, "evidence.exported by " + manager.Email} {
		if !slices.Contains(actions, want) {
			t.Errorf("the activity log lacks %q: %q", want, actions)
		}
	}
}

// evSubmit clicks the submit button and waits until a complete page whose
// path matches want is showing. Unlike tab.submit it does not need a document
// request: upload.js sends the form itself and writes the page it gets back
// into the document.
func evSubmit(t *testing.T, p *tab, button string, want *regexp.Regexp) {
	t.Helper()
	p.mustHave(button)
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Evaluating can fail while a navigation replaces the page; try again.
		path, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' && document.querySelector('main h1') ? location.pathname : ''`))
		if err == nil && want.MatchString(path) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10s after clicking %s the browser is at %s (%v), want a path matching %s; page:\n%s", button, p.location(), err, want, p.body())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// evRow is one criterion on the criteria page.
type evRow struct{ percent, controls int }

var (
	evPercentRE  = regexp.MustCompile(`^(\d+)%$`)
	evControlsRE = regexp.MustCompile(`^(\d+) controls?$`)
)

// evCriteria reads the criteria page the tab is on: each criterion's
// percentage and number of controls.
func evCriteria(t *testing.T, p *tab) map[string]evRow {
	t.Helper()
	rows, err := chromedp.Run(p.ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('main table.criteria tr'),
		tr => Array.from(tr.cells, td => td.innerText.trim()))`))
	if err != nil {
		t.Fatalf("criteria rows: %v", err)
	}
	out := map[string]evRow{}
	for _, cells := range rows {
		if len(cells) != 5 {
			t.Fatalf("a criteria row has %d cells, want 5: %q", len(cells), cells)
		}
		pm, cm := evPercentRE.FindStringSubmatch(cells[2]), evControlsRE.FindStringSubmatch(cells[4])
		if pm == nil || cm == nil {
			t.Fatalf("criteria row %q: want \"N%%\" in the third cell and \"N controls\" in the fifth", cells)
		}
		var r evRow
		r.percent, _ = strconv.Atoi(pm[1])
		r.controls, _ = strconv.Atoi(cm[1])
		out[cells[0]] = r
	}
	if len(out) == 0 {
		t.Fatalf("the criteria page lists no criterion:\n%s", p.body())
	}
	return out
}

// evFacts reads the <dl class="facts"> of the page: each term's description,
// with a shortened hash read as the full value it opens to.
func evFacts(t *testing.T, p *tab) map[string]string {
	t.Helper()
	p.mustHave("main dl.facts")
	facts, err := chromedp.Run(p.ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(
		document.querySelectorAll('main dl.facts dt'), dt => {
			const dd = dt.nextElementSibling.cloneNode(true);
			dd.querySelectorAll('details.hash').forEach(d => d.replaceWith(d.querySelector('.hash-full').textContent));
			return [dt.innerText.trim(), dd.textContent.replace(/\s+/g, ' ').trim()];
		}))`))
	if err != nil {
		t.Fatalf("facts: %v", err)
	}
	return facts
}

// evCookies is the Cookie header the browser would send to url.
func evCookies(t *testing.T, p *tab, url string) string {
	t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		t.Fatalf("cookies: %v", err)
	}
	var pairs []string
	for _, c := range res.Cookies {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	if len(pairs) == 0 {
		t.Fatalf("the browser holds no cookies for %s", url)
	}
	return strings.Join(pairs, "; ")
}

// evGet does a GET with Go's client and the given Cookie header, not
// following redirects, and returns the response with its body read.
func evGet(t *testing.T, url, cookies string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookies != "" {
		req.Header.Set("Cookie", cookies)
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp, body
}

// evRewriteZip copies a zip archive, passing the content of the file called
// name through change; every other file is copied as it is.
func evRewriteZip(t *testing.T, archive []byte, name string, change func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("read the bundle: %v", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		if f.Name != name {
			raw, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			w, err := zw.CreateRaw(&f.FileHeader)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(w, raw); err != nil {
				t.Fatal(err)
			}
			continue
		}
		found = true
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		// A fresh header, so the archive's own checksum matches the changed
		// bytes: only the SHA-256 can tell.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(change(b)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("the bundle has no %s: %q", name, names)
	}
	return out.Bytes()
}
