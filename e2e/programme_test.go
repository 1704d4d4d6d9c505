package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// TestProgramme walks the SOC 2 model in the browser: a manager adopts the
// control library, implements a control behind CC6.1 and sees the criterion's
// readiness rise, then turns the criterion's gap into a task for an employee;
// the employee sees only their own work, cannot open anyone else's task or the
// controls, and closes their task.
func TestProgramme(t *testing.T) {
	t.Parallel()
	programmeJourney(t, store.SQLite)
}

// TestProgrammePostgres walks the same journey on PostgreSQL: one
// representative browser test, so that the server's queries are exercised
// end to end on both databases.
func TestProgrammePostgres(t *testing.T) {
	t.Parallel()
	programmeJourney(t, store.Postgres)
}

func programmeJourney(t *testing.T, d store.Dialect) {
	b := startBrowserWithin(t, 3*testTimeout) // the longest journey: adoption to audit readiness, many pages
	s := startServerOn(t, d)
	ctx := t.Context()
	db := s.App.DB
	orgURL := s.Base + "/o/" + testOrg.Slug
	base := "/o/" + testOrg.Slug // links on the pages are relative to the host

	// 1. The organization and its people, straight into the database: the
	// set-up and invitation flows have tests of their own.
	people := mustStaffedOrg(t, db)
	org, adminUser, managerUser, employeeUser := people.Org, people.Admin, people.Manager, people.Employee
	manager, employee := testManager, testEmployee

	// 2. The manager adopts the control library from the empty Controls page.
	mp := b.person()
	signIn(t, s, mp, manager)
	if body := mp.body(); !strings.Contains(body, "Start your SOC 2 programme") {
		t.Errorf("the dashboard of an organization without controls does not offer to start the programme:\n%s", body)
	}
	if st := mp.open(orgURL + "/controls"); st != http.StatusOK {
		t.Fatalf("manager GET /controls: status %d; page:\n%s", st, mp.body())
	}
	if h2 := mp.text("main .callout h2"); h2 != "Adopt the control library" {
		t.Errorf("the empty Controls page says %q, want the adoption offer", h2)
	}
	adoptButton := `form[action="` + base + `/controls/adopt"] button[type="submit"]`
	label := mp.text(adoptButton)
	m := regexp.MustCompile(`^Adopt (\d+) controls$`).FindStringSubmatch(label)
	if m == nil {
		t.Fatalf("adopt button says %q, want \"Adopt N controls\"", label)
	}
	libraryCount, _ := strconv.Atoi(m[1])
	if libraryCount < 10 {
		t.Fatalf("the library offers %d controls, want a real library", libraryCount)
	}
	if st := mp.submit(adoptButton); st != http.StatusOK {
		t.Fatalf("adopt: status %d after the redirect; page:\n%s", st, mp.body())
	}
	if loc := mp.location(); loc != orgURL+"/controls" {
		t.Errorf("after adopting the browser is at %s, want %s/controls", loc, orgURL)
	}
	if flash := mp.text(".flash"); !strings.HasPrefix(flash, fmt.Sprintf("Adopted %d controls.", libraryCount)) {
		t.Errorf("after adopting the flash says %q, want \"Adopted %d controls. …\"", flash, libraryCount)
	}
	// Fifty to a page, with the count of all of them.
	if n := mp.count("table.controls tbody tr"); n != min(libraryCount, 50) || !strings.Contains(mp.text("nav.pager"), fmt.Sprintf("of %d", libraryCount)) {
		t.Errorf("the Controls page lists %d rows after adopting (pager %q), want %d of %d", n, mp.text("nav.pager"), min(libraryCount, 50), libraryCount)
	}
	mp.open(orgURL + "/controls?q=GOV-1")
	if !strings.Contains(mp.text("table.controls"), "GOV-1") {
		t.Errorf("the Controls page does not list GOV-1 after adopting:\n%s", mp.body())
	}
	if n := mp.count(`main .callout`); n != 0 {
		t.Errorf("the Controls page still offers the adoption after adopting")
	}
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(controls) != libraryCount {
		t.Fatalf("the database holds %d controls after adopting, want %d", len(controls), libraryCount)
	}
	var ctl attest.Control // the first control, by ref, that maps to CC6.1
	for _, c := range controls {
		if c.Status != attest.StatusNotStarted || c.OwnerID != 0 {
			t.Errorf("adopted control %s has status %q and owner %d, want not started and nobody", c.Ref, c.Status, c.OwnerID)
		}
		if ctl.ID == 0 && slices.ContainsFunc(c.Mappings, func(m attest.Mapping) bool { return m.Framework == "soc2" && m.Requirement == "CC6.1" }) {
			ctl = c
		}
	}
	if ctl.ID == 0 {
		t.Fatalf("no adopted control maps to CC6.1")
	}

	// Readiness before: nothing is started, so everything is at 0%.
	mp.open(orgURL + "/criteria")
	before := progCriteria(t, mp, base)
	if before.overall != 0 {
		t.Errorf("readiness with every control not started is %d%%, want 0%%", before.overall)
	}
	cc61 := before.rows["CC6.1"]
	if cc61.controls == 0 {
		t.Fatalf("the criteria page shows no control behind CC6.1:\n%s", mp.body())
	}
	if cc61.percent != 0 || cc61.badge != "At risk" {
		t.Errorf("CC6.1 before any work: %d%%, %q; want 0%%, At risk", cc61.percent, cc61.badge)
	}

	// 3. The manager finds the control from the Controls page, implements it
	// and takes ownership.
	mp.open(orgURL + "/controls?q=" + ctl.Ref)
	controlURL := fmt.Sprintf("%s/controls/%d", orgURL, ctl.ID)
	link := fmt.Sprintf(`table.controls a[href="%s/controls/%d"]`, base, ctl.ID)
	if got := mp.text(link); got != ctl.Ref {
		t.Errorf("the Controls page links %s as %q, want %q", controlURL, got, ctl.Ref)
	}
	if st := progClick(t, mp, link); st != http.StatusOK {
		t.Fatalf("open %s: status %d", ctl.Ref, st)
	}
	if loc := mp.location(); loc != controlURL {
		t.Fatalf("the %s link led to %s, want %s", ctl.Ref, loc, controlURL)
	}
	if h1 := mp.text("main h1"); !strings.HasPrefix(h1, ctl.Ref+" ") {
		t.Errorf("control page heading %q, want it to start with %s", h1, ctl.Ref)
	}
	if badge := mp.text("main .head-row .badge"); badge != "Not started" {
		t.Errorf("%s's state before the edit is %q, want Not started", ctl.Ref, badge)
	}
	if gaps := mp.text("main .gaps"); !strings.Contains(gaps, ctl.Ref+": nobody owns it") {
		t.Errorf("%s's gaps before the edit do not say nobody owns it:\n%s", ctl.Ref, gaps)
	}
	managerID := strconv.FormatInt(managerUser.ID, 10)
	mp.choose("#f-status", attest.StatusImplemented)
	mp.choose("#f-owner", managerID)
	st := mp.submit(fmt.Sprintf(`form[action="%s/controls/%d"] button[type="submit"]`, base, ctl.ID))
	if st != http.StatusOK {
		t.Fatalf("save %s: status %d; page:\n%s", ctl.Ref, st, mp.body())
	}
	if loc := mp.location(); loc != controlURL {
		t.Errorf("after saving the browser is at %s, want %s", loc, controlURL)
	}
	if flash := mp.text(".flash"); flash != ctl.Ref+" saved." {
		t.Errorf("after saving the flash says %q, want %q", flash, ctl.Ref+" saved.")
	}
	if badge := mp.text("main .head-row .badge"); badge != "Implemented, no evidence" {
		t.Errorf("%s's state after implementing it is %q, want Implemented, no evidence", ctl.Ref, badge)
	}
	gaps := mp.text("main .gaps")
	if !strings.Contains(gaps, ctl.Ref+": implemented, but no evidence shows it operating") {
		t.Errorf("%s's gaps after implementing it do not ask for evidence:\n%s", ctl.Ref, gaps)
	}
	if strings.Contains(gaps, "nobody owns it") {
		t.Errorf("%s has an owner but its gaps still say nobody owns it:\n%s", ctl.Ref, gaps)
	}
	if v := progValue(t, mp, "#f-status"); v != attest.StatusImplemented {
		t.Errorf("the saved form shows status %q, want implemented", v)
	}
	if v := progValue(t, mp, "#f-owner"); v != managerID {
		t.Errorf("the saved form shows owner %q, want the manager (%s)", v, managerID)
	}
	if got, err := db.Control(ctx, org.ID, ctl.ID); err != nil {
		t.Fatal(err)
	} else if got.Status != attest.StatusImplemented || got.OwnerID != managerUser.ID {
		t.Errorf("%s in the database: status %q, owner %d; want implemented, owner %d", ctl.Ref, got.Status, got.OwnerID, managerUser.ID)
	}

	// Readiness after: every criterion the control maps to gains half a
	// control (implemented without evidence counts 50%) out of its n; the
	// overall score is the mean over the criteria in scope.
	mp.open(orgURL + "/criteria")
	after := progCriteria(t, mp, base)
	if got := after.rows["CC6.1"].percent; got <= cc61.percent {
		t.Errorf("CC6.1 after implementing %s is %d%%, want more than the %d%% before", ctl.Ref, got, cc61.percent)
	}
	sum := 0.0
	for _, mapping := range ctl.Mappings {
		row, inScope := before.rows[mapping.Requirement]
		if mapping.Framework != "soc2" || !inScope {
			continue
		}
		want := percent(0.5 / float64(row.controls))
		got := after.rows[mapping.Requirement]
		if got.percent != want {
			t.Errorf("%s after implementing %s (1 of %d controls, no evidence) is %d%%, want %d%%", mapping.Requirement, ctl.Ref, row.controls, got.percent, want)
		}
		if got.badge != "Gaps" {
			t.Errorf("%s after implementing %s is marked %q, want Gaps (no longer at risk, not ready)", mapping.Requirement, ctl.Ref, got.badge)
		}
		sum += 0.5 / float64(row.controls)
	}
	if want := percent(sum / float64(len(before.rows))); after.overall != want {
		t.Errorf("overall readiness after implementing %s is %d%%, want %d%% (over %d criteria)", ctl.Ref, after.overall, want, len(before.rows))
	}
	if after.overall < before.overall {
		t.Errorf("overall readiness fell from %d%% to %d%%", before.overall, after.overall)
	}
	for id, row := range after.rows {
		if !slices.ContainsFunc(ctl.Mappings, func(m attest.Mapping) bool { return m.Requirement == id }) && row.percent != 0 {
			t.Errorf("%s, which %s does not map to, moved to %d%%", id, ctl.Ref, row.percent)
		}
	}

	// 4. The criterion shows the control and turns its gap into a task.
	criterionURL := orgURL + "/criteria/CC6.1"
	if st := mp.open(criterionURL); st != http.StatusOK {
		t.Fatalf("GET %s: status %d", criterionURL, st)
	}
	if h1 := mp.text("main h1"); !strings.HasPrefix(h1, "CC6.1 ") {
		t.Errorf("criterion heading %q", h1)
	}
	wantBadge := fmt.Sprintf("%d%% with gaps", after.rows["CC6.1"].percent)
	if badge := mp.text("main .head-row .badge"); badge != wantBadge {
		t.Errorf("CC6.1's badge says %q, want %q", badge, wantBadge)
	}
	ctlRow := mp.text(fmt.Sprintf(`main tr:has(a[href="%s/controls/%d"])`, base, ctl.ID))
	if !strings.Contains(ctlRow, ctl.Ref) || !strings.HasSuffix(ctlRow, "Implemented, no evidence") {
		t.Errorf("CC6.1 lists %s as %q, want its ref and state Implemented, no evidence", ctl.Ref, ctlRow)
	}
	if n := mp.count(`main a[href^="` + base + `/controls/"] code`); n != before.rows["CC6.1"].controls {
		t.Errorf("CC6.1's page lists %d controls, the criteria page said %d", n, before.rows["CC6.1"].controls)
	}
	if gaps := mp.text("main .gaps"); !strings.Contains(gaps, ctl.Ref+": implemented, but no evidence shows it operating") {
		t.Errorf("CC6.1's gaps do not include %s's missing evidence:\n%s", ctl.Ref, gaps)
	}
	due := time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")
	title := "Collect evidence that " + ctl.Ref + " operates"
	mp.choose("#t-owner", strconv.FormatInt(employeeUser.ID, 10))
	mp.choose("#t-priority", "high")
	st = mp.submit(`form[action="`+base+`/tasks"] button[type="submit"]`, "title", title, "due_on", due)
	if st != http.StatusOK {
		t.Fatalf("create task: status %d; page:\n%s", st, mp.body())
	}
	if loc := mp.location(); loc != criterionURL {
		t.Errorf("after creating the task the browser is at %s, want %s", loc, criterionURL)
	}
	if flash := mp.text(".flash"); flash != "Task created: "+title {
		t.Errorf("after creating the task the flash says %q", flash)
	}
	tasks, err := db.Tasks(ctx, org.ID, store.TaskFilter{Requirement: "CC6.1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 {
		t.Fatalf("the database has %d tasks for CC6.1, want 1: %+v", len(tasks), tasks)
	}
	task := tasks[0]
	if task.Title != title || task.OwnerID != employeeUser.ID || task.DueOn != due || task.Priority != "high" ||
		task.Status != attest.TaskOpen || task.CreatedBy != managerUser.ID {
		t.Errorf("the task in the database is %+v; want %q owned by %d, due %s, high, open, created by %d",
			task, title, employeeUser.ID, due, managerUser.ID)
	}
	taskURL := fmt.Sprintf("%s/tasks/%d", orgURL, task.ID)
	item := mp.text(fmt.Sprintf(`main li:has(a[href="%s/tasks/%d"])`, base, task.ID))
	if want := title + " open, " + employee.Name + ", due " + due; item != want {
		t.Errorf("CC6.1's remediation lists %q, want %q", item, want)
	}

	// 5. Someone else's task, straight into the database.
	other := attest.Task{OrgID: org.ID, Title: "Rotate the production database credentials", OwnerID: adminUser.ID,
		Requirement: "CC6.1", CreatedBy: managerUser.ID}
	if err := db.CreateTask(ctx, &other); err != nil {
		t.Fatalf("create the other task: %v", err)
	}
	otherURL := fmt.Sprintf("%s/tasks/%d", orgURL, other.ID)

	// 6. The employee sees their own work only.
	ep := b.person()
	signIn(t, s, ep, employee)
	nav := ep.sidebar()
	for _, hidden := range []string{"Controls", "Criteria", "Scope"} {
		if slices.Contains(nav, hidden) {
			t.Errorf("the employee's sidebar %q has %q", nav, hidden)
		}
	}
	if !slices.Contains(nav, "Tasks") {
		t.Errorf("the employee's sidebar %q lacks Tasks", nav)
	}
	if mine := ep.text("main"); !strings.Contains(mine, title) || strings.Contains(mine, other.Title) {
		t.Errorf("the employee's dashboard should list %q and not %q:\n%s", title, other.Title, mine)
	}
	if st := ep.open(orgURL + "/tasks"); st != http.StatusOK {
		t.Fatalf("employee GET /tasks: status %d", st)
	}
	if h1 := ep.text("main h1"); h1 != "Your tasks" {
		t.Errorf("the employee's task list is headed %q, want Your tasks", h1)
	}
	if n := ep.count("main tbody tr"); n != 1 {
		t.Errorf("the employee's task list has %d rows, want 1:\n%s", n, ep.text("main table"))
	}
	list := ep.text("main table")
	if !strings.Contains(list, title) || strings.Contains(list, other.Title) {
		t.Errorf("the employee's task list should hold %q and not %q:\n%s", title, other.Title, list)
	}
	if n := ep.count(`main form[action="` + base + `/tasks"]`); n != 0 {
		t.Errorf("the employee's task list offers a form to create tasks")
	}

	if st := ep.open(otherURL); st != http.StatusNotFound {
		t.Errorf("employee GET someone else's task: status %d, want 404", st)
	}
	if h1 := ep.text("main h1"); h1 != "Not Found" {
		t.Errorf("employee opening someone else's task sees heading %q, want Not Found", h1)
	}
	if body := ep.body(); strings.Contains(body, other.Title) {
		t.Errorf("the 404 page shows the other task's title:\n%s", body)
	}

	if st := ep.open(taskURL); st != http.StatusOK {
		t.Fatalf("employee GET their task: status %d; page:\n%s", st, ep.body())
	}
	if h1 := ep.text("main h1"); h1 != title {
		t.Errorf("the employee's task is headed %q, want %q", h1, title)
	}
	if badge := ep.text("main .head-row .badge"); badge != "open" {
		t.Errorf("the employee's task is marked %q before, want open", badge)
	}
	if n := ep.count(`form[action="` + base + fmt.Sprintf("/tasks/%d", task.ID) + `"]`); n != 0 {
		t.Errorf("the employee gets the manager's edit form on their task")
	}
	doneButton := `button[name="status"][value="done"]`
	if label := ep.text(doneButton); label != "Mark done" {
		t.Errorf("the done button says %q, want Mark done", label)
	}
	if st := ep.submit(doneButton); st != http.StatusOK {
		t.Fatalf("Mark done: status %d; page:\n%s", st, ep.body())
	}
	if loc := ep.location(); loc != taskURL {
		t.Errorf("after Mark done the browser is at %s, want %s", loc, taskURL)
	}
	if flash := ep.text(".flash"); flash != "“"+title+"” is now done." {
		t.Errorf("after Mark done the flash says %q", flash)
	}
	if badge := ep.text("main .head-row .badge"); badge != "done" {
		t.Errorf("the employee's task is marked %q after Mark done, want done", badge)
	}
	if n := ep.count(doneButton); n != 0 {
		t.Errorf("a done task still offers Mark done")
	}
	if !strings.Contains(ep.text("main"), "Closed") {
		t.Errorf("the done task does not say when it was closed:\n%s", ep.body())
	}
	if got, err := db.Task(ctx, org.ID, task.ID); err != nil {
		t.Fatal(err)
	} else if got.Status != attest.TaskDone || got.CompletedAt.IsZero() {
		t.Errorf("the task in the database after Mark done: status %q, completed %v; want done with a time", got.Status, got.CompletedAt)
	}
	if got, err := db.Task(ctx, org.ID, other.ID); err != nil {
		t.Fatal(err)
	} else if got.Status != attest.TaskOpen {
		t.Errorf("the other task changed to %q", got.Status)
	}
	ep.open(orgURL + "/tasks")
	if list := ep.text("main table"); strings.Contains(list, title) || !strings.Contains(list, "No tasks.") {
		t.Errorf("the employee's open tasks still list the done task:\n%s", list)
	}

	for _, path := range []string{"/controls", "/criteria", "/criteria/CC6.1"} {
		if st := ep.open(orgURL + path); st != http.StatusForbidden {
			t.Errorf("employee GET %s: status %d, want 403", path, st)
		}
		if h1 := ep.text("main h1"); h1 != "Forbidden" {
			t.Errorf("employee GET %s: heading %q, want Forbidden", path, h1)
		}
	}

	// Each step left its line in the activity log.
	log, err := db.Activity(ctx, org.ID, attest.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action+" by "+a.ActorLabel)
	}
	for _, want := range []string{"controls.adopted by " + manager.Email, "control.updated by " + manager.Email,
		"task.created by " + manager.Email, "task.status_changed by " + employee.Email} {
		if !slices.Contains(actions, want) {
			t.Errorf("the activity log lacks %q: %q", want, actions)
		}
	}

	// 7. What the manager sees, for a person to look at.
	if st := mp.open(orgURL); st != http.StatusOK {
		t.Fatalf("manager GET dashboard: status %d", st)
	}
	// An SVG element has no innerText, so tab.text cannot read it.
	if donut := progSVGText(t, mp, "main .donut-text"); donut != fmt.Sprintf("%d%%", after.overall) {
		t.Errorf("the dashboard's donut says %q, the criteria page %d%%", donut, after.overall)
	}
	if over := mp.text("main .stat .muted"); over != fmt.Sprintf("over %d criteria in scope", len(after.rows)) {
		t.Errorf("the dashboard says %q, the criteria page lists %d criteria", over, len(after.rows))
	}
	legend := mp.text("main ul.legend")
	for _, want := range []string{"1 Implemented, no evidence", fmt.Sprintf("%d Not started", libraryCount-1)} {
		if !strings.Contains(legend, want) {
			t.Errorf("the dashboard's control legend lacks %q:\n%s", want, legend)
		}
	}
	atRisk := 0
	for _, row := range after.rows {
		if row.badge == "At risk" {
			atRisk++
		}
	}
	if got := mp.text(`#at-risk a[href="` + base + `/criteria?filter=at_risk"]`); got != fmt.Sprintf("%d criteria at risk", atRisk) {
		t.Errorf("the dashboard says %q, the criteria page marks %d at risk", got, atRisk)
	}
	if got := mp.text("#at-risk"); strings.Contains(got, "0 criteria at risk") != (atRisk == 0) || strings.Contains(got, "No implemented control stands behind these") {
		t.Errorf("the at-risk line reads %q", got)
	}
	// The weakest criteria come lowest first, and the lowest score on the
	// criteria page is among them; CC6.1 is no longer marked at risk.
	weakest, err := chromedp.Run(mp.ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#weakest li'),
		li => [li.querySelector('strong').innerText, li.querySelector('.badge').innerText, li.innerText])`))
	if err != nil || len(weakest) == 0 {
		t.Fatalf("the dashboard lists no weakest criteria (%v)", err)
	}
	lowest := 101
	for _, row := range after.rows {
		lowest = min(lowest, row.percent)
	}
	prev := -1
	for _, w := range weakest {
		p, _ := strconv.Atoi(strings.TrimSuffix(w[1], "%"))
		if p < prev {
			t.Errorf("the weakest criteria are not lowest first: %q", weakest)
		}
		prev = p
		if w[0] == "CC6.1" && strings.Contains(w[2], "at risk") {
			t.Errorf("the dashboard still marks CC6.1 at risk")
		}
	}
	if first, _ := strconv.Atoi(strings.TrimSuffix(weakest[0][1], "%")); first != lowest {
		t.Errorf("the weakest criterion on the dashboard is at %d%%, the criteria page's lowest is %d%%", first, lowest)
	}
	// Next actions: named best first, each with its points; the first
	// leads to its control or criterion.
	gains, err := chromedp.Run(mp.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#next-actions li .badge'), b => b.innerText)`))
	if err != nil || len(gains) == 0 || len(gains) > 5 {
		t.Fatalf("next actions on the dashboard: %q (%v)", gains, err)
	}
	prevGain := 101.0
	for _, g := range gains {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(g, "+"), " points"), 64)
		if err != nil || v > prevGain || v <= 0 {
			t.Fatalf("next actions are not best first with positive gains: %q", gains)
		}
		prevGain = v
	}
	if err := chromedp.Do(mp.ctx, chromedp.Click(chromedp.CSS(`#next-actions li a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, mp, `h1 code, .head-row h1`)
	if loc := mp.location(); !strings.Contains(loc, "/controls/") && !strings.Contains(loc, "/criteria/") {
		t.Errorf("the first next action leads to %s", loc)
	}
	mp.open(orgURL)
	saveScreenshot(t, mp, "programme-dashboard.png", 800)
	mp.open(orgURL + "/criteria")
	saveScreenshot(t, mp, "programme-criteria.png", 800)
}

// progCriterion is one row of the criteria page.
type progCriterion struct {
	percent  int
	controls int    // "N controls"
	badge    string // Ready, At risk or Gaps
}

// progReadiness is what the criteria page shows.
type progReadiness struct {
	overall int
	rows    map[string]progCriterion
}

var (
	progReadyRE    = regexp.MustCompile(`^SOC 2 criteria (\d+)% ready$`)
	progPercentRE  = regexp.MustCompile(`^(\d+)%$`)
	progControlsRE = regexp.MustCompile(`^(\d+) controls$`)
)

// progCriteria reads the criteria page the tab is on.
func progCriteria(t *testing.T, p *tab, base string) progReadiness {
	t.Helper()
	h1 := p.text("main h1")
	m := progReadyRE.FindStringSubmatch(h1)
	if m == nil {
		t.Fatalf("criteria heading %q, want \"SOC 2 criteria N%% ready\"", h1)
	}
	r := progReadiness{rows: map[string]progCriterion{}}
	r.overall, _ = strconv.Atoi(m[1])
	rows, err := chromedp.Run(p.ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('main table.criteria tr'),
		tr => Array.from(tr.cells, td => td.innerText.trim()))`))
	if err != nil {
		t.Fatalf("criteria rows: %v", err)
	}
	for _, cells := range rows {
		if len(cells) != 5 {
			t.Fatalf("a criteria row has %d cells, want 5: %q", len(cells), cells)
		}
		pm, cm := progPercentRE.FindStringSubmatch(cells[2]), progControlsRE.FindStringSubmatch(cells[4])
		if pm == nil || cm == nil {
			t.Fatalf("criteria row %q: want \"N%%\" in the third cell and \"N controls\" in the fifth", cells)
		}
		var c progCriterion
		c.percent, _ = strconv.Atoi(pm[1])
		c.controls, _ = strconv.Atoi(cm[1])
		c.badge = cells[3]
		if _, dup := r.rows[cells[0]]; dup {
			t.Fatalf("criterion %s is listed twice", cells[0])
		}
		r.rows[cells[0]] = c
	}
	if len(r.rows) == 0 {
		t.Fatalf("the criteria page lists no criterion:\n%s", p.body())
	}
	if _, ok := r.rows["CC6.1"]; !ok {
		t.Fatalf("the criteria page does not list CC6.1 (the Security category is always in scope)")
	}
	if n := p.count(`main table.criteria a[href^="` + base + `/criteria/"]`); n != 2*len(r.rows) {
		t.Errorf("the criteria page has %d links to criteria for %d rows, want two per row", n, len(r.rows))
	}
	return r
}

// progClick clicks what the CSS selector finds, a link or a button, and returns
// the status of the page it leads to.
func progClick(t *testing.T, p *tab, sel string) int64 {
	t.Helper()
	p.mustHave(sel)
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	if resp == nil {
		t.Fatalf("click %s: no response", sel)
	}
	return resp.Status
}

// progSVGText is the text content of the first element matching the CSS
// selector, for SVG elements, which have no innerText.
func progSVGText(t *testing.T, p *tab, sel string) string {
	t.Helper()
	p.mustHave(sel)
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).textContent`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// progValue is the current value of a form control.
func progValue(t *testing.T, p *tab, sel string) string {
	t.Helper()
	p.mustHave(sel)
	v, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}
