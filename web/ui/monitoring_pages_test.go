package ui_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// TestMonitoringPagesArePaged: with more failing results than a page holds,
// the monitoring page and a test's page show one page at a time, every
// failing result on exactly one page, and a failing result under an
// exception on none of the monitoring page's.
func TestMonitoringPagesArePaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctx := t.Context()
	now := e.Clock.Now()
	sc := githubtest.LargeScenario(now.AddDate(-1, 0, 0), now, now, 300, 40)
	srv := githubtest.NewServer(sc)
	defer srv.Close()
	sys := attest.SystemPrincipal(e.Alpha.ID, "test", attest.ViaSystem)
	conn, err := e.Connections.Add(ctx, sys, connection.Input{Type: "github", Name: "github", Settings: map[string]string{"org": "contoso", "base_url": srv.URL},
		Secret: []byte(sc.Token)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Monitor.Run(ctx, e.Alpha.ID, conn.ID, nil); err != nil {
		t.Fatal(err)
	}
	failing, err := e.Monitor.Results(ctx, sys, store.ResultFilter{Status: attest.ResultFail})
	if err != nil {
		t.Fatal(err)
	}
	if len(failing) <= 2*50 {
		t.Fatalf("the scenario fails %d results; the test needs more than two pages", len(failing))
	}
	// One failing result goes under an exception.
	as := func(role string, r attest.Role) attest.Principal {
		return attest.Principal{UserID: e.Users[role].ID, Label: e.Users[role].Email, OrgID: e.Alpha.ID, Role: r}
	}
	excepted := failing[len(failing)/2]
	ex, err := e.Monitor.RequestException(ctx, as("manager", attest.RoleManager), monitor.ExceptionRequest{Test: excepted.Test, Resource: excepted.Resource,
		Reason: "Archived next week.", ExpiresAt: now.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Monitor.ApproveException(ctx, as("admin", attest.RoleAdmin), ex.UID); err != nil {
		t.Fatal(err)
	}

	aud := e.Login("auditor")
	link := regexp.MustCompile(`href="/o/alpha/monitoring/results/(\d+)"`)
	want := len(failing) - 1
	seen := map[string]int{}
	pages := (want + 49) / 50
	for n := 1; n <= pages; n++ {
		page := aud.Get(fmt.Sprintf("/o/alpha/monitoring?page=%d", n))
		ids := link.FindAllStringSubmatch(page.Text, -1)
		wantRows := min(50, want-(n-1)*50)
		if len(ids) != wantRows {
			t.Errorf("page %d shows %d failing results, want %d", n, len(ids), wantRows)
		}
		for _, id := range ids {
			seen[id[1]]++
		}
		if pager := fmt.Sprintf("%d–%d of %d · page %d of %d", (n-1)*50+1, (n-1)*50+wantRows, want, n, pages); !strings.Contains(page.Text, pager) {
			t.Errorf("page %d lacks its pager %q", n, pager)
		}
	}
	if len(seen) != want {
		t.Errorf("the pages showed %d distinct failing results, want %d", len(seen), want)
	}
	for id, times := range seen {
		if times != 1 {
			t.Errorf("result %s shown on %d pages", id, times)
		}
	}
	if seen[fmt.Sprint(excepted.ID)] != 0 {
		t.Errorf("the excepted result %d is listed as failing", excepted.ID)
	}

	// A test's page: its results a page at a time, the failing ones of the
	// page offered for an exception, with a note that others are elsewhere.
	all, err := e.Monitor.Results(ctx, sys, store.ResultFilter{Test: "github.branch_protected"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= 50 {
		t.Fatalf("github.branch_protected judged %d repositories; the test needs more than a page", len(all))
	}
	mgr := e.Login("manager")
	test := mgr.Get("/o/alpha/monitoring/tests/github.branch_protected")
	if rows := len(link.FindAllString(test.Text, -1)); rows != 50 || !strings.Contains(test.Text, fmt.Sprintf("1–50 of %d", len(all))) {
		t.Errorf("the test page shows %d results of %d, without its pager", rows, len(all))
	}
	last := mgr.Get(fmt.Sprintf("/o/alpha/monitoring/tests/github.branch_protected?page=%d", (len(all)+49)/50))
	if rows := len(link.FindAllString(last.Text, -1)); rows != len(all)-((len(all)-1)/50)*50 {
		t.Errorf("the test page's last page shows %d results of %d", rows, len(all))
	}
}
