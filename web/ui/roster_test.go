package ui_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestRosterPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin := e.Login("admin")
	res := admin.Get("/o/alpha/people/roster")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No connection collects accounts yet") {
		t.Fatalf("empty roster: %d", res.StatusCode)
	}
	ada := storetest.MustPerson(t, e.DB, e.Alpha, "Ada Lovelace", "ada@alpha.test")
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "github")
	b, sha, err := monitor.Snapshot{Connector: "github", Resources: []attest.Resource{
		{Type: "github.member", Key: "alpha/adal", Data: map[string]any{"login": "adal", "role": "admin"}}}}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Evidence.Blobs.Put(ctx, bytes.NewReader(b), sha, 1<<20); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if err := e.DB.AddCollection(ctx, &attest.CollectionRun{OrgID: e.Alpha.ID, UID: "col_r", ConnectionID: conn.ID, ConnectionName: conn.Name,
		Connector: "github", StartedAt: at, FinishedAt: at, Resources: 1, SnapshotSHA256: sha, SnapshotSize: int64(len(b))}); err != nil {
		t.Fatal(err)
	}
	res = admin.Get("/o/alpha/people/roster")
	if !strings.Contains(res.Text, `data-finding="unlinked_account"`) || !strings.Contains(res.Text, `data-account="alpha/adal"`) {
		t.Fatalf("the unlinked GitHub login is not shown:\n%.2000s", res.Text)
	}
	open := fmt.Sprintf(`href="/o/alpha/people/roster?link=alpha%%2fadal&amp;connection=%d#link"`, conn.ID)
	if !strings.Contains(res.Text, open) || strings.Contains(res.Text, `name="person_id"`) {
		t.Fatalf("the unlinked login's row opens its link form, not shown until asked:\n%.3000s", res.Text)
	}
	res = admin.Get(fmt.Sprintf("/o/alpha/people/roster?link=alpha/adal&connection=%d", conn.ID))
	if !strings.Contains(res.Text, `id="link"`) || !strings.Contains(res.Text, fmt.Sprintf(`<option value="%d">Ada Lovelace (ada@alpha.test)</option>`, ada.ID)) {
		t.Fatalf("the link form of alpha/adal:\n%.3000s", res.Text)
	}
	if res := e.Login("auditor").Get(fmt.Sprintf("/o/alpha/people/roster?link=alpha/adal&connection=%d", conn.ID)); strings.Contains(res.Text, `id="link"`) {
		t.Error("a reader who may not edit is shown the link form")
	}
	// A refused link renders the page at the form's address: its form stays
	// open and its links still name the roster's path.
	res = admin.Post("/o/alpha/people/roster/links", url.Values{"connection_id": {fmt.Sprint(conn.ID)}, "key": {"alpha/adal"}, "person_id": {"999999"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `id="link"`) || !strings.Contains(res.Text, open) {
		t.Fatalf("a link to nobody: %d\n%.3000s", res.StatusCode, res.Text)
	}
	res = admin.Post("/o/alpha/people/roster/links", url.Values{"connection_id": {fmt.Sprint(conn.ID)}, "key": {"alpha/adal"}, "person_id": {fmt.Sprint(ada.ID)}})
	if !res.RedirectsTo("/o/alpha/people/roster") {
		t.Fatalf("link: %d %.300s", res.StatusCode, res.Text)
	}
	res = admin.Get("/o/alpha/people/roster")
	if strings.Contains(res.Text, `data-finding=`) || !strings.Contains(res.Text, "linked by hand") {
		t.Fatalf("after linking, a finding remains or the link is not shown")
	}
	if res := admin.Post("/o/alpha/people/roster/rules", url.Values{"leaver_days": {"x"}, "joiner_days": {"7"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a leaver deadline of x days: %d", res.StatusCode)
	}
	if res := admin.Post("/o/alpha/people/roster/rules", url.Values{"leaver_days": {"3"}, "joiner_days": {"14"}}); !res.RedirectsTo("/o/alpha/people/roster") {
		t.Fatalf("rules: %d", res.StatusCode)
	}
	if r, _ := e.DB.RosterRules(ctx, e.Alpha.ID); r.LeaverDays != 3 || r.JoinerDays != 14 {
		t.Fatalf("rules = %+v", r)
	}
	if res := e.Login("employee").Get("/o/alpha/people/roster"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee opened the roster: %d", res.StatusCode)
	}
}

// An identity provider that puts a person in another department than the
// roster does is a finding, named on the page.
func TestRosterDepartmentConflict(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	if err := e.DB.CreatePerson(ctx, &attest.Person{OrgID: e.Alpha.ID, Name: "Ada Lovelace", Email: "ada@alpha.test",
		StartDate: "2024-01-08", Department: "Engineering"}); err != nil {
		t.Fatal(err)
	}
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "okta")
	e.Collected(t, conn, "okta", []attest.Resource{{Type: "okta.user", Key: "ada@alpha.test", Data: map[string]any{
		"login": "ada@alpha.test", "email": "ada@alpha.test", "name": "Ada Lovelace", "department": "Sales", "active": true}}})
	res := e.Login("admin").Get("/o/alpha/people/roster")
	if !strings.Contains(res.Text, `data-finding="department_conflict"`) || !strings.Contains(res.Text, "Department differs") ||
		!strings.Contains(res.Text, "in department Sales, the roster puts Ada Lovelace in Engineering") {
		t.Fatalf("the department conflict is not shown:\n%.3000s", res.Text)
	}
}

// TestRosterPageIsPaged: 60 people and 60 accounts without an owner (each a
// finding) show 50 of each list on the first page and the other 10 on the
// second, each list paged by its own parameter, and no person list is
// repeated per account.
func TestRosterPageIsPaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	var res []attest.Resource
	for n := range 60 {
		storetest.MustPerson(t, e.DB, e.Alpha, fmt.Sprintf("Person %d", n+1), fmt.Sprintf("p%d@alpha.test", n+1))
		res = append(res, attest.Resource{Type: "github.member", Key: fmt.Sprintf("alpha/login%d", n+1), Data: map[string]any{"login": fmt.Sprintf("login%d", n+1), "role": "member"}})
	}
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "github")
	e.Collected(t, conn, "github", res)
	admin := e.Login("admin")
	person := regexp.MustCompile(`data-email="p(\d+)@alpha\.test"`)
	account := regexp.MustCompile(`data-account="alpha/login(\d+)"`)
	finding := regexp.MustCompile(`data-finding="unlinked_account"`)
	people, accounts := map[string]bool{}, map[string]bool{}
	for n, want := range []int{50, 10} {
		page := admin.Get(fmt.Sprintf("/o/alpha/people/roster?people=%d&accounts=%d&findings=%d", n+1, n+1, n+1))
		p, a, f := person.FindAllStringSubmatch(page.Text, -1), account.FindAllStringSubmatch(page.Text, -1), finding.FindAllString(page.Text, -1)
		if len(p) != want || len(a) != want || len(f) != want || strings.Count(page.Text, "<option") != 0 {
			t.Fatalf("page %d: %d people, %d accounts, %d findings, want %d each and no person list:\n%.3000s", n+1, len(p), len(a), len(f), want, page.Text)
		}
		for _, m := range p {
			people[m[1]] = true
		}
		for _, m := range a {
			accounts[m[1]] = true
		}
	}
	if len(people) != 60 || len(accounts) != 60 {
		t.Errorf("the pages showed %d people and %d accounts of 60", len(people), len(accounts))
	}
	if page := admin.Get("/o/alpha/people/roster?accounts=2"); !strings.Contains(page.Text, `href="/o/alpha/people/roster?accounts=2&amp;people=2"`) {
		t.Errorf("the people's next page drops the accounts' page:\n%.3000s", page.Text)
	}
}
