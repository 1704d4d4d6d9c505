package e2e

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

// adoptLibrary adopts the control library into org straight in the database.
func adoptLibrary(t *testing.T, s *server, orgID int64) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.DB.Update(t.Context(), func(tx *store.Queries) error {
		_, err := programme.Adopt(t.Context(), tx, cat, orgID)
		return err
	}); err != nil {
		t.Fatalf("adopt the library: %v", err)
	}
}

// waitFor polls until the CSS selector matches on the page the tab shows
// (a form answered by script or by navigation), failing after 10 seconds.
func waitFor(t *testing.T, p *tab, sel string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.readyState === 'complete' ? document.querySelectorAll(`+jsString(sel)+`).length : 0`))
		if err == nil && n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10s on, nothing matches %s at %s (%v); page:\n%s", sel, p.location(), err, p.body())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEvidenceNeedsAControl: an upload that names no control is refused in
// the browser, with the error beside the controls field and the text kept,
// and nothing reaches the ledger.
func TestEvidenceNeedsAControl(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	people := mustStaffedOrg(t, s.App.DB)
	adoptLibrary(t, s, people.Org.ID)
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(s.Base + "/o/" + testOrg.Slug + "/evidence")
	if !strings.Contains(mp.text(`#f-control legend`), "at least one") {
		t.Errorf("the controls picker does not say one is needed")
	}
	// The picker filters as you type: a few letters narrow 160 controls.
	mp.mustHave(`#f-control .filterbox:not([hidden]) input[data-filter]`)
	if err := chromedp.Do(mp.ctx, chromedp.SendKeys(chromedp.CSS(`#f-control input[data-filter]`), "encrypt")); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(mp.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#f-control-list label:not([hidden])').length`))
	total := mp.count(`#f-control-list label`)
	if err != nil || shown == 0 || shown >= total || total < 100 {
		t.Errorf("typing \"encrypt\" in the picker's filter shows %d of %d controls (%v)", shown, total, err)
	}
	mp.choose("#f-kind", "attestation")
	// Nothing ticked: the server's rule answers.
	if err := chromedp.Do(mp.ctx,
		chromedp.SetValue(chromedp.CSS("#f-title"), "Tabletop exercise"),
		chromedp.SetValue(chromedp.CSS("#f-text"), "We ran it."),
	); err != nil {
		t.Fatal(err)
	}
	mp.mustHave(`#upload button[type="submit"]`)
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, mp, `#f-control.has-error`)
	if msg := mp.text(`#f-control.has-error p.error`); !strings.Contains(msg, "Controls are required") {
		t.Errorf("the error beside the controls says %q", msg)
	}
	if mp.text("#f-text") != "We ran it." && !strings.Contains(mp.html(), "We ran it.") {
		t.Errorf("the attestation text was lost")
	}
	list, err := s.App.DB.EvidenceList(t.Context(), people.Org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil || len(list) != 0 {
		t.Fatalf("the refused upload left %d evidence (%v)", len(list), err)
	}
}

// TestOwnerPickersOfferEligibleMembers: the owner pickers a manager sees on a
// control and on the tasks page list the employee but never the auditor, whom
// the save would refuse.
func TestOwnerPickersOfferEligibleMembers(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	people := mustStaffedOrg(t, s.App.DB)
	auditor := member(t, s.App.DB, people.Org, person{"Otto Auditor", "otto@acme.test", "auditor password 1"}, attest.RoleAuditor)
	adoptLibrary(t, s, people.Org.ID)
	controls, err := s.App.DB.Controls(t.Context(), people.Org.ID, store.ControlFilter{})
	if err != nil || len(controls) == 0 {
		t.Fatalf("controls: %v", err)
	}
	mp := b.person()
	signIn(t, s, mp, testManager)
	for _, page := range []string{fmt.Sprintf("/controls/%d", controls[0].ID), "/tasks"} {
		mp.open(s.Base + "/o/" + testOrg.Slug + page)
		mp.mustHave(`select#f-owner`)
		if n := mp.count(fmt.Sprintf(`select#f-owner option[value="%d"]`, auditor.ID)); n != 0 {
			t.Errorf("%s: the owner picker offers the auditor", page)
		}
		if n := mp.count(fmt.Sprintf(`select#f-owner option[value="%d"]`, people.Employee.ID)); n != 1 {
			t.Errorf("%s: the owner picker does not offer the employee", page)
		}
	}
}

// TestNoLinkLeadsToForbidden signs in as each role in the browser and then
// follows every same-site link on every page that role can reach (with the
// browser's session, through Go's client for speed), asserting that none
// answers 403 or fails: pages do not render links to what the role may not
// open. The employee owns one control and has a task on another's control
// and a criterion, the case that used to lead to 403.
func TestNoLinkLeadsToForbidden(t *testing.T) {
	t.Parallel()
	// Four roles, each crawling a hundred pages or more under the race
	// detector: more than most tests do in the browser.
	b := startBrowserWithin(t, 3*testTimeout)
	s := startServer(t)
	db := s.App.DB
	ctx := t.Context()
	people := mustStaffedOrg(t, db)
	org := people.Org
	testAuditor := person{"Otto Auditor", "otto@acme.test", "auditor password 1"}
	member(t, db, org, testAuditor, attest.RoleAuditor)
	mk := func(ref string, owner int64) attest.Control {
		c := attest.Control{OrgID: org.ID, Ref: ref, Name: "Control " + ref, Family: "Test", Type: "detective", Frequency: "quarterly",
			Status: attest.StatusImplemented, OwnerID: owner, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}}}
		if err := db.CreateControl(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	mine := mk("EMP-1", people.Employee.ID)
	theirs := mk("MGR-1", people.Manager.ID)
	for _, task := range []attest.Task{
		{OrgID: org.ID, Title: "Fix the gap", OwnerID: people.Employee.ID, ControlID: theirs.ID, Requirement: "CC6.1", Status: attest.TaskOpen, Priority: "medium"},
		{OrgID: org.ID, Title: "Collect the export", OwnerID: people.Employee.ID, ControlID: mine.ID, Status: attest.TaskOpen, Priority: "medium"},
	} {
		if err := db.CreateTask(ctx, &task); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.App.Services.Evidence.Add(ctx, evidence.New{Org: org, Actor: attest.Actor{Label: "test"}, Kind: attest.KindFile, Title: "Export",
		Filename: "export.csv", ControlIDs: []int64{mine.ID}}, strings.NewReader("user,mfa\nada,true\n")); err != nil {
		t.Fatal(err)
	}

	hrefRE := regexp.MustCompile(`href="(/[^"#]*)"`)
	for _, who := range []person{testAdmin, testManager, testEmployee, testAuditor} {
		p := b.person()
		signIn(t, s, p, who)
		cookies := evCookies(t, p, s.Base)
		seen := map[string]string{"/o/" + testOrg.Slug: "sign-in"}
		queue := []string{"/o/" + testOrg.Slug}
		for len(queue) > 0 && len(seen) < 600 {
			path := queue[0]
			queue = queue[1:]
			resp, body := evGet(t, s.Base+path, cookies)
			if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
				t.Errorf("%s: %s (linked from %s) answers %d", who.Email, path, seen[path], resp.StatusCode)
				continue
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
				link := html.UnescapeString(m[1])
				if strings.HasPrefix(link, "/static/") || strings.Contains(link, "logout") {
					continue
				}
				if _, ok := seen[link]; !ok {
					seen[link] = path
					queue = append(queue, link)
				}
			}
		}
		if len(seen) < 5 {
			t.Errorf("%s: only %d pages reached", who.Email, len(seen))
		}
		t.Logf("%s: %d links followed", who.Email, len(seen))
	}

	// The employee's task shows what it needs: the criterion's title, the
	// other's control by ref without a link, and a link to their own control.
	ep := b.person()
	signIn(t, s, ep, testEmployee)
	ep.open(s.Base + "/o/" + testOrg.Slug + "/tasks")
	if n := ep.count(`a[href*="/criteria/"], a[href="/o/acme/controls/` + fmt.Sprint(theirs.ID) + `"]`); n != 0 {
		t.Errorf("the employee's task list links to %d pages they cannot open", n)
	}
	if n := ep.count(`#my-controls a`); n != 0 {
		t.Errorf("the task list has a Your work block")
	}
	ep.open(s.Base + "/o/" + testOrg.Slug)
	if got := ep.text("#my-controls"); !strings.Contains(got, "EMP-1") || strings.Contains(got, "MGR-1") {
		t.Errorf("Your work lists %q, want the employee's control only", got)
	}
}

// TestEmployeeWorksOnTheirControl: a manager makes an employee a control's
// owner; the employee finds it under "Your work", opens it (guidance, its
// criterion, its evidence and freshness), and adds evidence from its page.
func TestEmployeeWorksOnTheirControl(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	db := s.App.DB
	people := mustStaffedOrg(t, db)
	ctl := attest.Control{OrgID: people.Org.ID, Ref: "ENG-1", Name: "Branch protection", Family: "Change", Type: "preventive", Frequency: "quarterly",
		Status: attest.StatusImplemented, Description: "The main branch requires review.", Evidence: []string{"Branch protection settings"},
		Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC8.1", Source: attest.SourceLibrary}}}
	if err := db.CreateControl(t.Context(), &ctl); err != nil {
		t.Fatal(err)
	}
	base := s.Base + "/o/" + testOrg.Slug
	mp := b.person()
	signIn(t, s, mp, testManager)
	mp.open(fmt.Sprintf("%s/controls/%d", base, ctl.ID))
	mp.choose("#f-owner", fmt.Sprint(people.Employee.ID))
	mp.submit(`form[action$="/controls/` + fmt.Sprint(ctl.ID) + `"] button[type="submit"]`)

	ep := b.person()
	signIn(t, s, ep, testEmployee)
	ep.mustHave(`#my-controls a[href$="/controls/` + fmt.Sprint(ctl.ID) + `"]`)
	if st := ep.open(fmt.Sprintf("%s/controls/%d", base, ctl.ID)); st != http.StatusOK {
		t.Fatalf("the owner opens their control: %d", st)
	}
	page := ep.body()
	for _, want := range []string{"The main branch requires review.", "Branch protection settings", "CC8.1", "No evidence yet.", "Evidence is due now", "0 of "} {
		if !strings.Contains(page, want) {
			t.Errorf("the owner's control page lacks %q:\n%s", want, page)
		}
	}
	file := filepath.Join(t.TempDir(), "protection.json")
	if err := os.WriteFile(file, []byte(`{"required_reviews":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ep.ctx,
		chromedp.SetValue(chromedp.CSS("#ce-title"), "Branch protection Q2"),
		chromedp.SetUploadFiles(chromedp.CSS("#ce-file"), []string{file}),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ep.ctx, chromedp.Click(chromedp.CSS(`#control-upload button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ep, `#control-evidence .badge.st-ready`)
	if got := ep.text("#control-evidence"); !strings.Contains(got, "Branch protection Q2") || !strings.Contains(got, "Current until") {
		t.Errorf("the evidence card says %q", got)
	}
	if !strings.HasSuffix(ep.location(), fmt.Sprintf("/controls/%d", ctl.ID)) {
		t.Errorf("after the upload the owner is at %s", ep.location())
	}
	// The card says when evidence is next due, and the quarter the upload
	// covers turns from a gap to covered in the last twelve months' strip.
	if got := ep.text("#next-due"); !strings.Contains(got, "Next evidence due") || !strings.Contains(got, "quarterly") {
		t.Errorf("next due: %q", got)
	}
	if got := ep.text("#control-coverage"); !strings.Contains(got, "1 of ") || !strings.Contains(got, "gaps:") {
		t.Errorf("coverage: %q", got)
	}
	ep.mustHave(`#control-coverage li.covered`)
	ep.mustHave(`#control-coverage li.gap`)
	if strings.Contains(ep.body(), "/coverage?from=") {
		t.Error("the employee is offered the coverage page, which they cannot open")
	}
}

// TestSmallDefects: counts read with their noun and no stray separator, a due
// date of 1901 is refused beside the field with the input kept, and retiring
// a control asks first (declining changes nothing).
func TestSmallDefects(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	db := s.App.DB
	people := mustStaffedOrg(t, db)
	ctl := attest.Control{OrgID: people.Org.ID, Ref: "ONE-1", Name: "The only control", Family: "Test", Type: "preventive", Frequency: "annual",
		Status: attest.StatusNotStarted, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC1.1", Source: attest.SourceLibrary}}}
	if err := db.CreateControl(t.Context(), &ctl); err != nil {
		t.Fatal(err)
	}
	base := s.Base + "/o/" + testOrg.Slug
	mp := b.person()
	signIn(t, s, mp, testManager)

	mp.open(base + "/controls")
	if got := mp.text("main p.muted"); got != "1 of 1 control" {
		t.Errorf("the controls count reads %q", got)
	}
	if got := mp.body(); !strings.Contains(got, "Test · 1 criterion") || strings.Contains(got, "1 criteria") {
		t.Errorf("the control row does not say \"1 criterion\":\n%s", got)
	}

	mp.open(base + "/tasks")
	mp.submit(`form[action="/o/acme/tasks"] button[type="submit"]`, "title", "Rotate keys", "due_on", "1901-01-01")
	if got := mp.text(`.field.has-error:has(#f-due_on) p.error`); !strings.Contains(got, "between 2000-01-01 and 2099-12-31") {
		t.Errorf("the due date error reads %q", got)
	}
	if got := progValue(t, mp, "#f-title"); got != "Rotate keys" {
		t.Errorf("the title was not kept: %q", got)
	}

	mp.open(fmt.Sprintf("%s/controls/%d", base, ctl.ID))
	retire := fmt.Sprintf(`form[action="/o/acme/controls/%d/retire"]`, ctl.ID)
	if got, _ := chromedp.Run(mp.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(retire)+`).dataset.confirm`)); !strings.Contains(got, "Retire ONE-1?") {
		t.Errorf("the retire form asks %q", got)
	}
	// Decline: nothing is posted.
	if err := chromedp.Do(mp.ctx, chromedp.Evaluate[chromedp.Void](`window.confirm = () => false`), chromedp.Click(chromedp.CSS(retire+` button`))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got, _ := db.Control(t.Context(), people.Org.ID, ctl.ID); got.Retired() {
		t.Fatal("declining the confirmation retired the control")
	}
	// Accept: it is retired.
	if err := chromedp.Do(mp.ctx, chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS(retire+` button`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, mp, fmt.Sprintf(`form[action="/o/acme/controls/%d/restore"]`, ctl.ID))
	if got, _ := db.Control(t.Context(), people.Org.ID, ctl.ID); !got.Retired() {
		t.Fatal("accepting the confirmation did not retire the control")
	}
}

// TestRefusedFormsReload: after a refused form the error sits beside its
// field with the input kept, and reloading the address left in the address
// bar shows the form's page again rather than 404.
func TestRefusedFormsReload(t *testing.T) {
	t.Parallel()
	b := startBrowser(t)
	s := startServer(t)
	mustStaffedOrg(t, s.App.DB)
	ap := b.person()
	signIn(t, s, ap, testAdmin)

	ap.open(s.Base + "/account")
	ap.submit(`form[action="/account/password"] button[type="submit"]`, "current", "wrong password 1", "password", "a new password 1", "confirm", "a new password 1")
	if got := ap.text(`.field.has-error p.error`); got != "Current password does not match the password you sign in with" {
		t.Errorf("the password error reads %q", got)
	}
	if st := ap.open(ap.location()); st != http.StatusOK || ap.text("main h1") == "" || !strings.HasSuffix(ap.location(), "/account") {
		t.Errorf("reloading after the refused password change: %d at %s", st, ap.location())
	}

	ap.open(s.Base + "/o/" + testOrg.Slug + "/settings")
	ap.submit(`form[action="/o/acme/invitations"] button[type="submit"]`, "email", "not-an-address")
	if ap.count(`.field.has-error input[name="email"]`) != 1 || progValue(t, ap, `form[action="/o/acme/invitations"] input[name="email"]`) != "not-an-address" {
		t.Errorf("the invitation error is not beside the email with the input kept:\n%s", ap.body())
	}
	if st := ap.open(ap.location()); st != http.StatusOK || !strings.HasSuffix(ap.location(), "/o/acme/settings") {
		t.Errorf("reloading after the refused invitation: %d at %s", st, ap.location())
	}

	ap.open(s.Base + "/o/" + testOrg.Slug + "/coverage?from=2026-06-30&to=2026-01-01")
	if got := ap.text("#w-error"); !strings.Contains(got, "ends (2026-01-01) before it starts") || progValue(t, ap, "#w-from") != "2026-06-30" {
		t.Errorf("the coverage window error reads %q", got)
	}
	ap.mustHave(`form button[type="submit"]`) // the page, not a bare error
}
