package api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

type personWire struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Title          string `json:"title"`
	Department     string `json:"department"`
	ManagerID      int64  `json:"manager_id"`
	Manager        string `json:"manager"`
	EmploymentType string `json:"employment_type"`
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
	State          string `json:"state"`
	Source         string `json:"source"`
	UserID         int64  `json:"user_id"`
	Role           string `json:"role"`
}

type importAnswer struct {
	people.ImportReport
	Error  struct{ Code, Message, Field string } `json:"error"`
	Report *people.ImportReport                  `json:"report"`
}

func TestPeopleAPI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { peopleAPI(t, d) })
	}
}

func peopleAPI(t *testing.T, d store.Dialect) {
	e := webtest.New(t, d)
	admin, _ := e.Token(e.Alpha, "admin")
	res := e.API("POST", "/orgs/alpha/people", admin, map[string]string{"name": "Grace Hopper", "email": "Grace@Alpha.test", "start_date": "2024-02-01"})
	grace := webtest.Decode[personWire](t, res)
	if res.StatusCode != http.StatusCreated || grace.Email != "grace@alpha.test" || grace.Source != "manual" || grace.State != "active" {
		t.Fatalf("create: %d %s", res.StatusCode, res.Text)
	}
	// The employee of the fixture signs in with this email: the record shows it.
	res = e.API("POST", "/orgs/alpha/people", admin, map[string]any{"name": "Erin", "email": "employee@alpha.test", "start_date": "2026-07-01",
		"department": "Engineering", "manager_email": "GRACE@alpha.test", "employment_type": "contractor"})
	erin := webtest.Decode[personWire](t, res)
	if res.StatusCode != http.StatusCreated || erin.ManagerID != grace.ID || erin.Manager != "Grace Hopper" || erin.State != "joining" ||
		erin.UserID != e.Users["employee"].ID || erin.Role != "employee" || erin.EmploymentType != "contractor" {
		t.Fatalf("create with a manager by email: %d %s", res.StatusCode, res.Text)
	}
	erinPath := fmt.Sprintf("/orgs/alpha/people/%d", erin.ID)

	for name, c := range map[string]struct {
		method, path string
		body         any
		code         int
		field        string
	}{
		"no name":             {"POST", "/orgs/alpha/people", map[string]string{"email": "x@alpha.test", "start_date": "2025-01-01"}, 422, "name"},
		"bad date":            {"POST", "/orgs/alpha/people", map[string]string{"name": "X", "email": "x@alpha.test", "start_date": "2025-02-30"}, 422, "start_date"},
		"taken email":         {"POST", "/orgs/alpha/people", map[string]string{"name": "X", "email": "grace@alpha.test", "start_date": "2025-01-01"}, 409, "email"},
		"unknown manager":     {"POST", "/orgs/alpha/people", map[string]string{"name": "X", "email": "x@alpha.test", "start_date": "2025-01-01", "manager_email": "no@alpha.test"}, 422, "manager"},
		"unknown field":       {"POST", "/orgs/alpha/people", map[string]string{"name": "X", "email": "x@alpha.test", "start_date": "2025-01-01", "salary": "1"}, 422, ""},
		"two managers":        {"PATCH", erinPath, map[string]any{"manager_id": grace.ID, "manager_email": "grace@alpha.test"}, 422, "manager"},
		"own manager":         {"PATCH", erinPath, map[string]any{"manager_id": erin.ID}, 422, "manager"},
		"email of another":    {"PATCH", erinPath, map[string]any{"email": "grace@alpha.test"}, 409, "email"},
		"end before start":    {"PATCH", erinPath, map[string]any{"end_date": "2026-06-30"}, 422, "end_date"},
		"no such person":      {"PATCH", "/orgs/alpha/people/999999", map[string]any{"title": "X"}, 404, ""},
		"not an ID":           {"GET", "/orgs/alpha/people/ada", nil, 404, ""},
		"clear the name":      {"PATCH", erinPath, map[string]any{"name": ""}, 422, "name"},
		"a number for a name": {"PATCH", erinPath, map[string]any{"name": 5}, 422, "name"},
	} {
		res := e.API(c.method, c.path, admin, c.body)
		got := webtest.Decode[map[string]map[string]string](t, res)["error"]
		if res.StatusCode != c.code || got["field"] != c.field || got["message"] == "" {
			t.Errorf("%s: %d %s, want %d on %q", name, res.StatusCode, res.Text, c.code, c.field)
		}
	}

	// A partial update changes what it names and keeps the rest.
	res = e.API("PATCH", erinPath, admin, map[string]any{"title": "Engineer", "end_date": "2026-12-31"})
	got := webtest.Decode[personWire](t, res)
	if res.StatusCode != http.StatusOK || got.Title != "Engineer" || got.EndDate != "2026-12-31" || got.Department != "Engineering" ||
		got.ManagerID != grace.ID || got.EmploymentType != "contractor" || got.Name != "Erin" {
		t.Fatalf("patch: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("PATCH", erinPath, admin, map[string]any{"manager_email": "", "end_date": ""})
	if got = webtest.Decode[personWire](t, res); got.ManagerID != 0 || got.Manager != "" || got.EndDate != "" || got.Title != "Engineer" {
		t.Fatalf("patch clearing the manager and end date: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("PATCH", erinPath, admin, map[string]any{"manager_id": grace.ID})
	if got = webtest.Decode[personWire](t, res); got.ManagerID != grace.ID {
		t.Fatalf("patch with a manager ID: %d %s", res.StatusCode, res.Text)
	}

	// Auditors read and change nothing; employees see no one.
	auditor, _ := e.Token(e.Alpha, "auditor")
	list := webtest.Decode[map[string][]personWire](t, e.API("GET", "/orgs/alpha/people?q=ENGIN", auditor, nil))["people"]
	if len(list) != 1 || list[0].ID != erin.ID || list[0].Manager != "Grace Hopper" {
		t.Errorf("auditor searches by department: %+v", list)
	}
	if list = webtest.Decode[map[string][]personWire](t, e.API("GET", "/orgs/alpha/people", auditor, nil))["people"]; len(list) != 2 {
		t.Errorf("auditor lists: %+v", list)
	}
	if res := e.API("GET", erinPath, auditor, nil); res.StatusCode != http.StatusOK || webtest.Decode[personWire](t, res).Email != "employee@alpha.test" {
		t.Errorf("auditor reads a person: %d %s", res.StatusCode, res.Text)
	}
	employee, _ := e.Token(e.Alpha, "employee")
	for who, token := range map[string]string{"auditor": auditor, "employee": employee} {
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/orgs/alpha/people", map[string]string{"name": "X", "email": "x@alpha.test", "start_date": "2025-01-01"}},
			{"PATCH", erinPath, map[string]string{"title": "Boss"}},
			{"POST", "/orgs/alpha/people/import", webtest.CSV("name,email,start_date\nX,x@alpha.test,2025-01-01\n")},
		} {
			if res := e.API(c.method, c.path, token, c.body); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s %s: %d %s", who, c.method, c.path, res.StatusCode, res.Text)
			}
		}
	}
	for _, path := range []string{"/orgs/alpha/people", erinPath} {
		// Erin is the employee, and still does not read her own record here.
		if res := e.API("GET", path, employee, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("employee GET %s: %d %s", path, res.StatusCode, res.Text)
		}
	}

	// Another organization's people are not found, and alpha's are not
	// found from beta.
	stranger := storetest.MustPerson(t, e.DB, e.Beta, "Stranger", "stranger@beta.test")
	strangerPath := fmt.Sprintf("/orgs/alpha/people/%d", stranger.ID)
	if res := e.API("GET", strangerPath, admin, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET another organization's person: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("PATCH", strangerPath, admin, map[string]string{"title": "Spy"}); res.StatusCode != http.StatusNotFound {
		t.Errorf("PATCH another organization's person: %d %s", res.StatusCode, res.Text)
	}
	beta, _ := e.Token(e.Beta, "outsider")
	if res := e.API("GET", fmt.Sprintf("/orgs/beta/people/%d", erin.ID), beta, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("beta reads alpha's person: %d %s", res.StatusCode, res.Text)
	}
	if list = webtest.Decode[map[string][]personWire](t, e.API("GET", "/orgs/beta/people", beta, nil))["people"]; len(list) != 1 || list[0].ID != stranger.ID {
		t.Errorf("beta's roster: %+v", list)
	}
	if res := e.API("PATCH", erinPath, beta, map[string]string{"title": "Spy"}); res.StatusCode != http.StatusNotFound {
		t.Errorf("beta's token on alpha: %d", res.StatusCode)
	}
	if p, _ := e.DB.Person(t.Context(), e.Alpha.ID, erin.ID); p.Title != "Engineer" {
		t.Errorf("erin's title after refused changes: %q", p.Title)
	}
	if p, _ := e.DB.Person(t.Context(), e.Beta.ID, stranger.ID); p.Title != "" {
		t.Errorf("the stranger's title after alpha's attempt: %q", p.Title)
	}
}

func TestPeopleImportAPI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { peopleImportAPI(t, d) })
	}
}

func peopleImportAPI(t *testing.T, d store.Dialect) {
	e := webtest.New(t, d)
	mgr, _ := e.Token(e.Alpha, "manager")
	count := func() int {
		t.Helper()
		list, err := e.DB.People(t.Context(), e.Alpha.ID, store.PeopleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	good := webtest.CSV("Name,Email,Start Date,Manager,Department\n" +
		"Ada Lovelace,ada@alpha.test,2025-01-06,grace@alpha.test,Engineering\n" +
		"Grace Hopper,grace@alpha.test,2024-02-01,,Engineering\n")
	res := e.API("POST", "/orgs/alpha/people/import", mgr, good)
	rep := webtest.Decode[importAnswer](t, res)
	if res.StatusCode != http.StatusOK || rep.Rows != 2 || rep.Created != 2 || rep.Rejected == nil || len(rep.Rejected) != 0 || rep.Report != nil {
		t.Fatalf("import: %d %s", res.StatusCode, res.Text)
	}
	ada, err := e.DB.PersonByEmail(t.Context(), e.Alpha.ID, "ada@alpha.test")
	if err != nil || ada.ManagerName != "Grace Hopper" || ada.Source != "csv" {
		t.Fatalf("ada after the import: %+v, %v", ada, err)
	}
	res = e.API("POST", "/orgs/alpha/people/import", mgr, webtest.CSV("name,email,start_date,end_date\nAda Lovelace,ada@alpha.test,2025-01-06,2026-05-29\n"))
	if rep = webtest.Decode[importAnswer](t, res); res.StatusCode != http.StatusOK || rep.Updated != 1 || rep.Created != 0 {
		t.Fatalf("a leaver's file: %d %s", res.StatusCode, res.Text)
	}

	// A file with bad rows stores nothing, and the answer names every one.
	bad := webtest.CSV("name,email,start_date,manager\n" +
		"Lin Mei,mei@alpha.test,2026-01-05,ada@alpha.test\n" +
		"Bob,bob@alpha.test,2025-13-01,\n" +
		"Carol,carol@alpha.test,2025-02-01,nobody@alpha.test\n")
	res = e.API("POST", "/orgs/alpha/people/import", mgr, bad)
	rep = webtest.Decode[importAnswer](t, res)
	if res.StatusCode != http.StatusUnprocessableEntity || rep.Error.Code != "invalid" || rep.Error.Field != "file" ||
		!strings.Contains(rep.Error.Message, "nothing was imported") || rep.Report == nil {
		t.Fatalf("import of bad rows: %d %s", res.StatusCode, res.Text)
	}
	if r := rep.Report; r.Rows != 3 || r.Created+r.Updated+r.Unchanged != 0 || len(r.Rejected) != 2 ||
		r.Rejected[0] != (people.RejectedRow{Line: 3, Email: "bob@alpha.test", Field: "start_date", Reason: r.Rejected[0].Reason}) ||
		r.Rejected[1].Line != 4 || r.Rejected[1].Field != "manager" || !strings.Contains(r.Rejected[1].Reason, "nobody@alpha.test") {
		t.Errorf("report of the refused import: %+v", r)
	}
	if n := count(); n != 2 {
		t.Errorf("%d people after a refused import, want the 2 before it", n)
	}

	// Refused before a row is read: the wrong type, and too many bytes,
	// whether declared or not.
	wrongType := e.API("POST", "/orgs/alpha/people/import", mgr, map[string]string{"name": "X"})
	if got := webtest.Decode[importAnswer](t, wrongType); wrongType.StatusCode != 422 || got.Error.Field != "file" || !strings.Contains(got.Error.Message, "text/csv") {
		t.Errorf("a JSON body: %d %s", wrongType.StatusCode, wrongType.Text)
	}
	// A declared length over the limit is answered before the body is sent:
	// the server does not wait for it. (The deadline only turns a server
	// that would wait into a failure rather than a hung test.)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.TS.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/orgs/alpha/people/import HTTP/1.1\r\nHost: attest.test\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: text/csv\r\nContent-Length: %d\r\n\r\nname,email,start_date\n", mgr, people.MaxImportSize+1)
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	declared, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("a declared oversized body: %v", err)
	}
	b, _ := io.ReadAll(declared.Body)
	if declared.StatusCode != 422 || !strings.Contains(string(b), "larger than 10 MiB") {
		t.Errorf("a declared oversized body: %d %s", declared.StatusCode, b)
	}
	// A body of undeclared length is read up to the limit and refused there.
	huge := "name,email,start_date,title\nHuge,huge@alpha.test,2025-01-01," + strings.Repeat("x", people.MaxImportSize) + "\n"
	req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/people/import", io.MultiReader(strings.NewReader(huge)))
	req.Header.Set("Authorization", "Bearer "+mgr)
	req.Header.Set("Content-Type", "text/csv")
	res = e.Anon().Do(req)
	if got := webtest.Decode[importAnswer](t, res); req.ContentLength != 0 || res.StatusCode != 422 || got.Error.Field != "file" ||
		!strings.Contains(got.Error.Message, "larger than 10 MiB") {
		t.Errorf("an oversized body of undeclared length: %d %.300s", res.StatusCode, res.Text)
	}
	if n := count(); n != 2 {
		t.Errorf("%d people after refused files", n)
	}
}
