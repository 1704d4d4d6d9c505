package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// The dashboard's register card is kept between requests, and stays what the
// registers say: a new record shows at once, an emergency change leaves it
// the moment its time to review runs out, and a review due today is overdue
// the next day, with nothing written in between.
func TestDashboardDueKept(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	card := func() string {
		t.Helper()
		res := admin.Get("/o/alpha")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", res.StatusCode)
		}
		i := strings.Index(res.Text, `id="register-due"`)
		if i < 0 {
			return ""
		}
		return res.Text[i:min(len(res.Text), i+3000)]
	}
	// A repository that deploys on merge, with an emergency change merged
	// half an hour ago and not reviewed: 72 hours to review it.
	now := e.Clock.Now().UTC()
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "github")
	e.Collected(t, conn, "github", []attest.Resource{{Type: "github.repository", Key: "alpha/api", Data: map[string]any{"merged_pulls": []any{
		map[string]any{"number": 9, "title": "Hotfix", "author": "erin", "merged_at": now.Add(-30 * time.Minute).Format(time.RFC3339),
			"approvers": []any{}, "merge_commit_sha": "cccccccccccc", "labels": []any{"emergency"}},
	}, "deployments": []any{}}}})
	deadline := now.Add(-30 * time.Minute).Add(72 * time.Hour)
	if c := card(); !strings.Contains(c, "Review emergency change alpha/api #9") {
		t.Fatalf("the emergency change is not due:\n%s", c)
	}

	// A risk to review today, added after the card was kept, shows at once.
	today := attest.Today(e.Clock.Now())
	form := url.Values{"title": {"Vendor outage"}, "owner": {strconv.FormatInt(e.Users["admin"].ID, 10)}, "likelihood": {"3"}, "impact": {"4"},
		"residual_likelihood": {"2"}, "residual_impact": {"4"}, "treatment": {"mitigate"}, "review_date": {today}}
	if res := admin.Post("/o/alpha/risks", form); !res.RedirectsTo("/o/alpha/risks/R-1") {
		t.Fatalf("create a risk: %d %.300s", res.StatusCode, res.Text)
	}
	if c := card(); !strings.Contains(c, "Vendor outage: review") || !strings.Contains(c, "due "+today) {
		t.Fatalf("the risk added is not on the card:\n%s", c)
	}
	// The next day, with nothing written, its review is overdue. (Steps of
	// under twelve hours keep the session alive.)
	for e.Clock.Now().UTC().Format(attest.DateLayout) == today {
		e.Clock.Advance(5 * time.Hour)
		card()
	}
	if c := card(); !strings.Contains(c, "overdue since "+today) {
		t.Fatalf("the day after, the risk's review is not overdue:\n%s", c)
	}

	// A minute before its deadline the emergency change is still due; a
	// minute after, on the same day, it is not.
	for e.Clock.Now().Before(deadline.Add(-6 * time.Hour)) {
		e.Clock.Advance(5 * time.Hour)
		card()
	}
	e.Clock.Advance(deadline.Add(-time.Minute).Sub(e.Clock.Now()))
	if c := card(); !strings.Contains(c, "Review emergency change alpha/api #9") {
		t.Fatalf("a minute before its deadline the emergency change is not due:\n%s", c)
	}
	e.Clock.Advance(2 * time.Minute)
	if c := card(); strings.Contains(c, "Review emergency change alpha/api #9") {
		t.Fatalf("a minute after its deadline the emergency change is still due:\n%s", c)
	}
}

// A reader of the programme who owns many controls sees the first ten on the
// dashboard, by reference, and a link to all of theirs in the controls list.
func TestDashboardListsFirstControlsOwned(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for i := range 12 {
		control(e, fmt.Sprintf("ZZ-%02d", i+1)) // the manager's
	}
	res := e.Login("manager").Get("/o/alpha")
	i := strings.Index(res.Text, `id="my-controls"`)
	if i < 0 {
		t.Fatalf("no controls owned on the dashboard: %.2000s", res.Text)
	}
	mine, _, _ := strings.Cut(res.Text[i:], "</ul>")
	if n := strings.Count(mine, "<li>"); n != 10 || !strings.Contains(mine, "ZZ-10") || strings.Contains(mine, "ZZ-11") {
		t.Fatalf("%d controls listed, want ZZ-01 to ZZ-10: %s", n, mine)
	}
	if !strings.Contains(res.Text, `<a href="/o/alpha/controls?owner=me" id="my-controls-all">All 12 controls you own</a>`) {
		t.Fatalf("no link to all 12: %.3000s", res.Text[i:])
	}
	list := e.Login("manager").Get("/o/alpha/controls?owner=me")
	if list.StatusCode != http.StatusOK || !strings.Contains(list.Text, "ZZ-12") {
		t.Fatalf("the controls list filtered to the manager's: %d", list.StatusCode)
	}
}
