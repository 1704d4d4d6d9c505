package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestPeoplePages: a manager adds a person (a refused field is said beside
// it, input kept), imports a CSV file (a bad one shows every rejected row
// with its line and stores nothing), edits a person; an auditor reads
// without forms; an employee cannot open the roster; an admin invites a
// person to sign in as an employee.
func TestPeoplePages(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")

			res := mgr.Post("/o/alpha/people", url.Values{"name": {"Grace Hopper"}, "email": {"grace@alpha.test"}, "start_date": {"1901-01-01"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Start date must be a date between 1950 and 2099") ||
				!strings.Contains(res.Text, `value="grace@alpha.test"`) {
				t.Fatalf("a refused person: %d %s", res.StatusCode, res.Text)
			}
			res = mgr.Post("/o/alpha/people", url.Values{"name": {"Grace Hopper"}, "email": {"grace@alpha.test"}, "start_date": {"2024-02-01"},
				"title": {"CTO"}, "employment_type": {"employee"}})
			if !res.RedirectsTo("/o/alpha/people/") {
				t.Fatalf("add: %d %s", res.StatusCode, res.Text)
			}
			grace, err := e.DB.PersonByEmail(ctx, e.Alpha.ID, "grace@alpha.test")
			if err != nil {
				t.Fatal(err)
			}

			bad := "name,email,start_date,manager\nAda,ada@alpha.test,2025-01-06,grace@alpha.test\nBob,bob@alpha.test,2025-02-30,\n"
			ct, body := evidenceForm(nil, "people.csv", []byte(bad))
			res = postMultipart(mgr, "/o/alpha/people/import", ct, body)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "1 of 2 rows rejected") ||
				!strings.Contains(res.Text, "<td>3</td><td>bob@alpha.test</td><td>start_date</td>") {
				t.Fatalf("a bad import: %d %s", res.StatusCode, res.Text)
			}
			if list, _ := e.DB.People(ctx, e.Alpha.ID, store.PeopleFilter{}); len(list) != 1 {
				t.Fatalf("%d people after a refused import", len(list))
			}
			good := "name,email,start_date,manager,department\nAda,ada@alpha.test,2025-01-06,grace@alpha.test,Engineering\nEmployee,employee@alpha.test,2025-02-03,ada@alpha.test,Engineering\n"
			ct, body = evidenceForm(nil, "people.csv", []byte(good))
			if res := postMultipart(mgr, "/o/alpha/people/import", ct, body); !res.RedirectsTo("/o/alpha/people") {
				t.Fatalf("import: %d %s", res.StatusCode, res.Text)
			}
			page := mgr.Get("/o/alpha/people")
			if !strings.Contains(page.Text, "Imported 2 rows: 2 added, 0 updated, 0 unchanged.") || !strings.Contains(page.Text, "as Employee") {
				t.Errorf("the roster after the import: %s", page.Text)
			}
			if page := mgr.Get("/o/alpha/people?q=engin"); strings.Contains(page.Text, "Grace Hopper</a>") || !strings.Contains(page.Text, "Ada</a>") {
				t.Errorf("search: %s", page.Text)
			}
			// The manager picker takes a work email, suggesting the people
			// who manage someone (Grace and Ada), not everyone.
			if !strings.Contains(page.Text, `<option value="grace@alpha.test">`) || !strings.Contains(page.Text, `<option value="ada@alpha.test">`) ||
				strings.Contains(page.Text, `<option value="employee@alpha.test">`) {
				t.Errorf("the manager suggestions: %s", page.Text)
			}
			ada0, _ := e.DB.PersonByEmail(ctx, e.Alpha.ID, "ada@alpha.test")
			if page := mgr.Get(fmt.Sprintf("/o/alpha/people/%d", ada0.ID)); !strings.Contains(page.Text, `name="manager" type="text" inputmode="email" list="f-managers" autocomplete="off" value="grace@alpha.test"`) {
				t.Errorf("Ada's manager is not shown by email: %s", page.Text)
			}
			res = mgr.Post("/o/alpha/people", url.Values{"name": {"Lin"}, "email": {"lin@alpha.test"}, "start_date": {"2025-03-03"},
				"employment_type": {"employee"}, "manager": {"nobody@alpha.test"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Manager is nobody here") || !strings.Contains(res.Text, `value="nobody@alpha.test"`) {
				t.Errorf("an unknown manager: %d %s", res.StatusCode, res.Text)
			}
			if _, err := e.DB.PersonByEmail(ctx, e.Alpha.ID, "lin@alpha.test"); err == nil {
				t.Error("a person with an unknown manager was added")
			}
			res = mgr.Post("/o/alpha/people", url.Values{"name": {"Lin"}, "email": {"lin@alpha.test"}, "start_date": {"2025-03-03"},
				"employment_type": {"employee"}, "manager": {" ADA@alpha.test "}})
			if lin, err := e.DB.PersonByEmail(ctx, e.Alpha.ID, "lin@alpha.test"); !res.RedirectsTo("/o/alpha/people/") || err != nil || lin.ManagerID != ada0.ID {
				t.Errorf("a manager by email: %d, %+v, %v", res.StatusCode, lin, err)
			}
			graceURL := fmt.Sprintf("/o/alpha/people/%d", grace.ID)
			if page := mgr.Get(graceURL); !strings.Contains(page.Text, "Ada</a>") || !strings.Contains(page.Text, "Does not sign in") {
				t.Errorf("grace's page lists her report: %s", page.Text)
			}
			res = mgr.Post(graceURL, url.Values{"name": {"Grace Hopper"}, "email": {"grace@alpha.test"}, "start_date": {"2024-02-01"},
				"end_date": {"2026-11-30"}, "employment_type": {"employee"}, "manager": {fmt.Sprint(grace.ID)}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "Manager cannot be the person themself") {
				t.Errorf("her own manager: %d %s", res.StatusCode, res.Text)
			}
			res = mgr.Post(graceURL, url.Values{"name": {"Grace Hopper"}, "email": {"grace@alpha.test"}, "start_date": {"2024-02-01"},
				"end_date": {"2026-11-30"}, "employment_type": {"employee"}})
			if !res.RedirectsTo(graceURL) {
				t.Fatalf("save: %d %s", res.StatusCode, res.Text)
			}

			aud := e.Login("auditor")
			if page := aud.Get(graceURL); page.StatusCode != http.StatusOK || strings.Contains(page.Text, `action="`+graceURL+`"`) ||
				!strings.Contains(page.Text, "2026-11-30") {
				t.Errorf("an auditor's view: %d %s", page.StatusCode, page.Text)
			}
			if page := aud.Get("/o/alpha/people"); strings.Contains(page.Text, `action="/o/alpha/people/import"`) {
				t.Error("an auditor is offered the import")
			}
			if res := e.Login("employee").Get("/o/alpha/people"); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("an employee opens the roster: %d", res.StatusCode)
			}
			if res := e.Login("outsider").Get(graceURL); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("another organization's admin opens grace: %d", res.StatusCode)
			}

			// Inviting a person: admins only, with the person's work email.
			ada, _ := e.DB.PersonByEmail(ctx, e.Alpha.ID, "ada@alpha.test")
			adaURL := fmt.Sprintf("/o/alpha/people/%d", ada.ID)
			if res := mgr.Post(adaURL+"/invite", nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("a manager invites: %d", res.StatusCode)
			}
			res = e.Login("admin").Post(adaURL+"/invite", nil)
			if res.StatusCode != http.StatusCreated || !strings.Contains(res.Text, `id="invite-link"`) {
				t.Fatalf("invite: %d %s", res.StatusCode, res.Text)
			}
			invs, err := e.DB.PendingInvitations(ctx, e.Alpha.ID)
			if err != nil || len(invs) != 1 || invs[0].Email != "ada@alpha.test" || invs[0].Role != attest.RoleEmployee {
				t.Errorf("invitations: %+v, %v", invs, err)
			}
		})
	}
}

// A long workforce shows a page at a time, everyone on exactly one page.
func TestPeoplePageIsPaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for i := range 73 {
		p := attest.Person{OrgID: e.Alpha.ID, Name: fmt.Sprintf("Person %03d", i), Email: fmt.Sprintf("p%03d@alpha.test", i), StartDate: "2025-01-06",
			EmploymentType: attest.EmploymentEmployee, Source: attest.SourceManual}
		if err := e.DB.CreatePerson(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.DB.People(t.Context(), e.Alpha.ID, store.PeopleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	mgr := e.Login("manager")
	link := regexp.MustCompile(`href="/o/alpha/people/(\d+)"`)
	seen := map[string]bool{}
	for n, want := range []int{50, len(all) - 50} {
		page := mgr.Get(fmt.Sprintf("/o/alpha/people?page=%d", n+1))
		rows := link.FindAllStringSubmatch(page.Text, -1)
		if len(rows) != want || !strings.Contains(page.Text, fmt.Sprintf("of %d · page %d of 2", len(all), n+1)) {
			t.Errorf("page %d: %d people, want %d, with its pager", n+1, len(rows), want)
		}
		for _, r := range rows {
			seen[r[1]] = true
		}
	}
	if len(seen) != len(all) {
		t.Errorf("the pages showed %d people of %d", len(seen), len(all))
	}
}
