package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestChangesPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	res := mgr.Get("/o/alpha/changes")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No deployed change in the window") || !strings.Contains(res.Text, "connect GitHub") {
		t.Fatalf("an empty register: %d %.500s", res.StatusCode, res.Text)
	}
	// A collected repository that deploys on merge: one pull request
	// reviewed, one merged by its author alone.
	now := e.Clock.Now().UTC() // the services' clock
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "github")
	repo := attest.Resource{Type: "github.repository", Key: "alpha/api", Data: map[string]any{"merged_pulls": []any{
		map[string]any{"number": 7, "title": "Add audit log", "author": "erin", "merged_at": now.Add(-48 * time.Hour).Format(time.RFC3339),
			"approvers": []any{"bob"}, "approved_at": now.Add(-50 * time.Hour).Format(time.RFC3339), "merge_commit_sha": "aaaaaaaaaaaa"},
		map[string]any{"number": 8, "title": "Quick fix <b>bold</b>", "author": "bob", "merged_at": now.Add(-24 * time.Hour).Format(time.RFC3339),
			"approvers": []any{}, "merge_commit_sha": "bbbbbbbbbbbb"},
		map[string]any{"number": 9, "title": "Hotfix", "author": "erin", "merged_at": now.Add(-30 * time.Minute).Format(time.RFC3339),
			"approvers": []any{}, "merge_commit_sha": "cccccccccccc", "labels": []any{"emergency"}},
	}, "deployments": []any{}}}
	e.Collected(t, conn, "github", []attest.Resource{repo})
	res = mgr.Get("/o/alpha/changes")
	if strings.Count(res.Text, `data-state="unreviewed"`) != 1 || strings.Count(res.Text, `data-state="reviewed"`) != 1 ||
		!strings.Contains(res.Text, "1 finding(s)") || strings.Contains(res.Text, "<b>bold</b>") {
		t.Fatalf("the register:\n%.3000s", res.Text)
	}
	if res := mgr.Get("/o/alpha/changes?state=findings"); strings.Contains(res.Text, `data-state="reviewed"`) || !strings.Contains(res.Text, `data-state="unreviewed"`) {
		t.Fatalf("findings only shows a reviewed change")
	}
	if res := mgr.Get("/o/alpha/changes?state=bogus"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bogus state: %d", res.StatusCode)
	}
	csv := mgr.Get("/o/alpha/changes/export?days=30")
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || strings.Count(csv.Text, "\n") != 4 || !strings.Contains(csv.Text, "Quick fix") {
		t.Fatalf("export: %s", csv.Text)
	}

	// A deploy log with a bad line stores nothing and names the line.
	ct, body := evidenceForm(nil, "deploys.csv", []byte("repository,commit,deployed_at\nalpha/api,bbbbbbbbbbbb,"+now.Format(time.RFC3339)+"\nalpha/api,,"+now.Format(time.RFC3339)+"\n"))
	res = postMultipart(mgr, "/o/alpha/changes/deploy-log", ct, body)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "line 3: commit: is required") {
		i := strings.Index(res.Text, "deploy-log")
		t.Fatalf("a bad deploy log: %d %.2000s", res.StatusCode, res.Text[max(0, i):])
	}
	if list, _ := e.DB.DeployLog(ctx, e.Alpha.ID, time.Time{}); len(list) != 0 {
		t.Fatalf("a refused log stored %d deployments", len(list))
	}
	ct, body = evidenceForm(nil, "deploys.csv", []byte("repository,commit,deployed_at\nalpha/api,bbbbbbbbbbbb,"+now.Add(-time.Hour).Format(time.RFC3339)+"\n"))
	if res := postMultipart(mgr, "/o/alpha/changes/deploy-log", ct, body); !res.RedirectsTo("/o/alpha/changes") {
		t.Fatalf("deploy log: %d %.500s", res.StatusCode, res.Text)
	}
	// Now the repository has deployments: the one logged includes both.
	res = mgr.Get("/o/alpha/changes")
	if strings.Count(res.Text, `data-state=`) != 1 || !strings.Contains(res.Text, "deploy log") || !strings.Contains(res.Text, "2 pull requests") {
		t.Fatalf("after the deploy log:\n%.3000s", res.Text)
	}

	// The emergency change merged since, not reviewed yet, is due on the
	// dashboard until its time runs out.
	if dash := mgr.Get("/o/alpha"); !strings.Contains(dash.Text, "Review emergency change alpha/api #9") {
		t.Fatalf("the dashboard does not list the emergency change to review")
	}

	// Banking the register stores it as evidence of the adopted CHG-6.
	chg6 := attest.Control{OrgID: e.Alpha.ID, Ref: "CHG-6", LibraryID: "CHG-6", Name: "Monthly check for review bypasses", Family: "Change management",
		Type: "detective", Frequency: "monthly", Status: attest.StatusImplemented}
	if err := e.DB.CreateControl(ctx, &chg6); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, `action="/o/alpha/changes/bank"`) {
		t.Fatal("a manager does not see Bank as evidence")
	}
	res = mgr.Post("/o/alpha/changes/bank", url.Values{"days": {"30"}})
	if !res.RedirectsTo("/o/alpha/evidence/") {
		t.Fatalf("bank: %d %.500s", res.StatusCode, res.Text)
	}
	if list, _ := e.DB.EvidenceList(ctx, e.Alpha.ID, store.EvidenceFilter{ControlID: chg6.ID}); len(list) != 1 || !strings.HasPrefix(list[0].Title, "Deployed changes") {
		t.Fatalf("evidence of CHG-6: %+v", list)
	}
	aud := e.Login("auditor")
	if res := aud.Get("/o/alpha/changes"); res.StatusCode != http.StatusOK || strings.Contains(res.Text, `action="/o/alpha/changes/bank"`) {
		t.Fatalf("an auditor reads the register without banking it: %d", res.StatusCode)
	}

	// Rules are for admins; a manager does not see the form.
	if strings.Contains(res.Text, `action="/o/alpha/changes/rules"`) {
		t.Fatal("a manager sees the rules form")
	}
	admin := e.Login("admin")
	if res := admin.Post("/o/alpha/changes/rules", url.Values{"emergency_label": {""}, "emergency_hours": {"72"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, "is required") {
		t.Fatalf("rules without a label: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/changes/rules", url.Values{"emergency_label": {"hotfix"}, "emergency_hours": {"24"}}); !res.RedirectsTo("/o/alpha/changes") {
		t.Fatalf("rules: %d", res.StatusCode)
	}
	if r, _ := e.DB.ChangeRules(ctx, e.Alpha.ID); r.EmergencyLabel != "hotfix" || r.EmergencyHours != 24 {
		t.Fatalf("rules = %+v", r)
	}
	emp := e.Login("employee")
	if res := emp.Get("/o/alpha/changes"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee reads the register: %d", res.StatusCode)
	}
}

// TestChangesPageIsPaged: a window of 60 deployed changes shows 50 on the
// first page and the other 10 on the second, each change once; the counts
// speak of all 60, and the pager keeps the state filter.
func TestChangesPageIsPaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	now := e.Clock.Now().UTC()
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "github")
	var pulls []any
	for n := range 60 {
		pulls = append(pulls, map[string]any{"number": n + 1, "title": fmt.Sprintf("Change %d", n+1), "author": "erin",
			"merged_at": now.Add(-time.Duration(n+1) * time.Hour).Format(time.RFC3339), "approvers": []any{"bob"},
			"approved_at": now.Add(-time.Duration(n+2) * time.Hour).Format(time.RFC3339), "merge_commit_sha": fmt.Sprintf("%040x", n+1)})
	}
	e.Collected(t, conn, "github", []attest.Resource{{Type: "github.repository", Key: "alpha/api",
		Data: map[string]any{"merged_pulls": pulls, "deployments": []any{}}}})
	mgr := e.Login("manager")
	row := regexp.MustCompile(`#(\d+) Change `)
	seen := map[string]bool{}
	for n, want := range []int{50, 10} {
		page := mgr.Get(fmt.Sprintf("/o/alpha/changes?state=reviewed&page=%d", n+1))
		rows := row.FindAllStringSubmatch(page.Text, -1)
		if len(rows) != want || !strings.Contains(page.Text, "60 deployed change(s)") || !strings.Contains(page.Text, fmt.Sprintf("of 60 · page %d of 2", n+1)) {
			t.Fatalf("page %d: %d changes, want %d, with all 60 counted and its pager:\n%.3000s", n+1, len(rows), want, page.Text)
		}
		if n == 0 && !strings.Contains(page.Text, `href="?page=2&amp;state=reviewed"`) {
			t.Errorf("the next page's link drops the filter")
		}
		for _, r := range rows {
			seen[r[1]] = true
		}
	}
	if len(seen) != 60 {
		t.Errorf("the pages showed %d changes of 60", len(seen))
	}
}
