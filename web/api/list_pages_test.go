package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// walk follows a list's cursors from its first page: path is the list's
// address with its query (ending in ? or &), limit its page size; decode
// gives a page's items and the cursor of the next. It fails the test on a page
// that is not whole while another follows, or one larger than limit.
func walk[T any](t *testing.T, e *webtest.Env, token, path, cursorParam string, limit int, decode func(webtest.Response) ([]T, string)) []T {
	t.Helper()
	var all []T
	cursor := ""
	for pages := 1; ; pages++ {
		p := fmt.Sprintf("%slimit=%d", path, limit)
		if cursor != "" {
			p += "&" + cursorParam + "=" + url.QueryEscape(cursor)
		}
		res := e.API("GET", p, token, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", p, res.StatusCode, res.Text)
		}
		items, next := decode(res)
		if len(items) > limit || (next != "" && len(items) != limit) {
			t.Fatalf("%s: page %d holds %d items of %d, next %q", path, pages, len(items), limit, next)
		}
		all = append(all, items...)
		if cursor = next; cursor == "" {
			return all
		}
		if pages > 100 {
			t.Fatalf("%s: more than 100 pages", path)
		}
	}
}

// The acknowledgement report comes a page at a time, by policy key and then
// person: walking it gives every row once, with the filters applied to each
// page and the totals counting every row; a person who leaves the report while
// a client walks it neither repeats nor skips anyone else.
func TestAcknowledgementListIsPaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctx := t.Context()
	admin, _ := e.Token(e.Alpha, "admin")
	manager, _ := e.Token(e.Alpha, "manager")
	auditor, _ := e.Token(e.Alpha, "auditor")
	for n := range 23 {
		storetest.MustPerson(t, e.DB, e.Alpha, fmt.Sprintf("Person %d", n+1), fmt.Sprintf("p%d@people.test", n+1))
	}
	for _, key := range []string{"access-control", "acceptable-use"} {
		res := e.API("POST", "/orgs/alpha/policies", admin, map[string]string{"template": key})
		pol := webtest.Decode[struct {
			Latest struct{ ID int64 } `json:"latest"`
		}](t, res)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("adopt %s: %d %s", key, res.StatusCode, res.Text)
		}
		for _, s := range []struct {
			token, path string
			body        any
		}{
			{admin, "submit", map[string]any{"approvers": []string{e.Users["manager"].Email}, "quorum": 1}},
			{manager, "decide", map[string]any{"decision": "approve"}},
			{admin, "publish", nil},
		} {
			if res := e.API("POST", fmt.Sprintf("/orgs/alpha/policy-versions/%d/%s", pol.Latest.ID, s.path), s.token, s.body); res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d %s", key, s.path, res.StatusCode, res.Text)
			}
		}
	}
	type report struct {
		Rows   []attest.AckRow `json:"acknowledgements"`
		Totals map[string]int  `json:"totals"`
		Next   string          `json:"next_cursor"`
	}
	decode := func(res webtest.Response) ([]attest.AckRow, string) {
		r := webtest.Decode[report](t, res)
		if r.Totals[attest.AckPending] != 46 {
			t.Errorf("totals %v, want all 46 rows pending on every page", r.Totals)
		}
		return r.Rows, r.Next
	}
	got := walk(t, e, auditor, "/orgs/alpha/acknowledgements?state=pending&", "cursor", 7, decode)
	if len(got) != 46 {
		t.Fatalf("the walk gave %d rows, want 2 policies × 23 people", len(got))
	}
	key := func(r attest.AckRow) string { return fmt.Sprintf("%s %020d", r.PolicyKey, r.PersonID) }
	if !slices.IsSortedFunc(got, func(a, b attest.AckRow) int { return strings.Compare(key(a), key(b)) }) {
		t.Errorf("the rows are not in policy and person order")
	}
	if len(slices.CompactFunc(slices.Clone(got), func(a, b attest.AckRow) bool { return key(a) == key(b) })) != 46 {
		t.Errorf("a row came twice")
	}
	if one := walk(t, e, auditor, "/orgs/alpha/acknowledgements?policy=acceptable-use&", "cursor", 10, func(res webtest.Response) ([]attest.AckRow, string) {
		r := webtest.Decode[report](t, res)
		return r.Rows, r.Next
	}); len(one) != 23 || one[0].PolicyKey != "acceptable-use" || one[22].PolicyKey != "acceptable-use" {
		t.Errorf("one policy's rows: %d", len(one))
	}

	// Someone on the first page leaves the report between two pages: the
	// second page starts where the first ended.
	first := webtest.Decode[report](t, e.API("GET", "/orgs/alpha/acknowledgements?limit=5", auditor, nil))
	gone, err := e.DB.Person(ctx, e.Alpha.ID, first.Rows[1].PersonID)
	if err != nil {
		t.Fatal(err)
	}
	gone.EndDate = "2025-02-01"
	if err := e.DB.UpdatePerson(ctx, &gone); err != nil {
		t.Fatal(err)
	}
	second := webtest.Decode[report](t, e.API("GET", "/orgs/alpha/acknowledgements?limit=5&cursor="+url.QueryEscape(first.Next), auditor, nil))
	if n := second.Totals[attest.AckPending]; n != 44 {
		t.Fatalf("after %s left, %d rows are pending, want 44", gone.Email, n)
	}
	if len(second.Rows) != 5 || key(second.Rows[0]) != key(got[5]) {
		t.Errorf("after a departure the second page starts at %s, want %s", key(second.Rows[0]), key(got[5]))
	}

	for _, bad := range []string{"limit=0", "limit=5001", "cursor=%25%25", "cursor="} {
		res := e.API("GET", "/orgs/alpha/acknowledgements?"+bad, auditor, nil)
		if bad == "cursor=" {
			if res.StatusCode != http.StatusOK {
				t.Errorf("an empty cursor is the first page: %d", res.StatusCode)
			}
			continue
		}
		if field := strings.Split(bad, "=")[0]; res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"field": "`+field+`"`) {
			t.Errorf("%s: %d %s", bad, res.StatusCode, res.Text)
		}
	}
}

// The roster's three lists come a page at a time, each by its own cursor:
// walking each gives what the whole roster holds, once, and totals count
// every item of each list on every page.
func TestRosterListsArePaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	var resources []attest.Resource
	for n := range 20 {
		email := fmt.Sprintf("p%d@alpha.test", n+1)
		storetest.MustPerson(t, e.DB, e.Alpha, fmt.Sprintf("Person %d", n+1), email)
		if n%2 == 0 { // every other person has an account; the rest are joiners without one
			resources = append(resources, attest.Resource{Type: "google.user", Key: email, Data: map[string]any{"email": email, "name": fmt.Sprintf("Person %d", n+1), "active": true}})
		}
	}
	for n := range 15 { // accounts nobody on the roster owns
		email := fmt.Sprintf("x%d@alpha.test", n+1)
		resources = append(resources, attest.Resource{Type: "google.user", Key: email, Data: map[string]any{"email": email, "active": true}})
	}
	e.Collected(t, storetest.MustConnection(t, e.DB, e.Alpha, "workspace"), "google", resources)
	token, _ := e.Token(e.Alpha, "auditor")

	type roster struct {
		attest.Roster
		Totals       map[string]int `json:"totals"`
		NextPeople   string         `json:"next_people_cursor"`
		NextUnlinked string         `json:"next_unlinked_cursor"`
		NextFindings string         `json:"next_findings_cursor"`
	}
	whole := webtest.Decode[roster](t, e.API("GET", "/orgs/alpha/roster?limit=5000", token, nil))
	if len(whole.People) != 20 || len(whole.Unlinked) != 15 || len(whole.Findings) < 15 || whole.NextPeople+whole.NextUnlinked+whole.NextFindings != "" {
		t.Fatalf("the whole roster: %d people, %d unowned, %d findings", len(whole.People), len(whole.Unlinked), len(whole.Findings))
	}
	totals := map[string]int{"people": 20, "unlinked": 15, "findings": len(whole.Findings)}
	page := func(res webtest.Response) roster {
		r := webtest.Decode[roster](t, res)
		for k, n := range totals {
			if r.Totals[k] != n {
				t.Errorf("totals %v, want %v", r.Totals, totals)
			}
		}
		return r
	}
	people := walk(t, e, token, "/orgs/alpha/roster?", "people_cursor", 4, func(res webtest.Response) ([]attest.RosterRow, string) {
		r := page(res)
		return r.People, r.NextPeople
	})
	unlinked := walk(t, e, token, "/orgs/alpha/roster?", "unlinked_cursor", 4, func(res webtest.Response) ([]attest.Account, string) {
		r := page(res)
		return r.Unlinked, r.NextUnlinked
	})
	findings := walk(t, e, token, "/orgs/alpha/roster?", "findings_cursor", 4, func(res webtest.Response) ([]attest.RosterFinding, string) {
		r := page(res)
		return r.Findings, r.NextFindings
	})
	same := func(what string, got, want []string) { // the same items, each once, in any order
		t.Helper()
		got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("walking the %s gave\n%q\nwant\n%q", what, got, want)
		}
	}
	var got, want []string
	for i := range people {
		got = append(got, people[i].Person.Email)
	}
	for n := range 20 { // people come by ID, the order they were added in
		want = append(want, fmt.Sprintf("p%d@alpha.test", n+1))
	}
	if !slices.Equal(got, want) {
		t.Errorf("walking the people gave %q, want %q", got, want)
	}
	got, want = nil, nil
	for _, a := range unlinked {
		got = append(got, a.Key)
	}
	for _, a := range whole.Unlinked {
		want = append(want, a.Key)
	}
	same("unowned accounts", got, want)
	if !slices.IsSorted(got) { // one connection: by key
		t.Errorf("the unowned accounts are not in key order: %q", got)
	}
	got, want = nil, nil
	name := func(f attest.RosterFinding) string {
		s := f.Kind
		if f.Person != nil {
			s += " " + f.Person.Email
		}
		if f.Account != nil {
			s += " " + f.Account.Key
		}
		return s
	}
	for _, f := range findings {
		got = append(got, name(f))
	}
	for _, f := range whole.Findings {
		want = append(want, name(f))
	}
	same("findings", got, want)

	for _, bad := range []string{"limit=0", "people_cursor=%25", "unlinked_cursor=!", "findings_cursor=~~"} {
		res := e.API("GET", "/orgs/alpha/roster?"+bad, token, nil)
		if field := strings.Split(bad, "=")[0]; res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"field": "`+field+`"`) {
			t.Errorf("%s: %d %s", bad, res.StatusCode, res.Text)
		}
	}
}

// The people, training and background check lists come a page at a time:
// people by name, the other two overdue first and then by deadline and name;
// walking each gives every row once, and ?overdue=true pages the overdue
// alone.
func TestPeopleListsArePaged(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctx := t.Context()
	token, _ := e.Token(e.Alpha, "auditor")
	joiners := 0
	for n := range 17 {
		p := attest.Person{OrgID: e.Alpha.ID, Name: fmt.Sprintf("Person %02d", 17-n), Email: fmt.Sprintf("p%d@people.test", n), StartDate: "2025-01-06"}
		if n%2 == 1 { // names in either case sort together
			p.Name = strings.ToLower(p.Name)
		}
		if n%4 == 0 { // joined last week: training is not due yet
			p.StartDate = attest.Today(e.Clock.Now().AddDate(0, 0, -7))
		}
		if n%3 == 0 { // and the rest by deadline: a later start, a later one
			p.StartDate = attest.Today(e.Clock.Now().AddDate(0, 0, -7-n))
		}
		if n%5 == 1 { // joins next month: no background check is due yet, nor training
			p.StartDate = attest.Today(e.Clock.Now().AddDate(0, 1, n))
			joiners++
		}
		if err := e.DB.CreatePerson(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	today := attest.Today(e.Clock.Now())
	type row struct {
		Name    string `json:"name"`
		State   string `json:"state"`
		Overdue bool   `json:"overdue"`
		Due     string `json:"due"`
	}
	for _, list := range []struct {
		path, name string
		rows       int              // people on the list
		order      func(row) string // what the list sorts by
		overdue    func(row) bool   // nil: the list has no overdue filter
	}{
		{"/orgs/alpha/people?", "people", 17, func(r row) string { return strings.ToLower(r.Name) }, nil},
		{"/orgs/alpha/training?", "training", 17 - joiners, func(r row) string {
			return map[string]string{attest.TrainingOverdue: "0", attest.TrainingDue: "1", attest.TrainingDone: "2"}[r.State] + r.Due + r.Name
		}, func(r row) bool { return r.Due < today }},
		{"/orgs/alpha/background?", "background", 17, func(r row) string { return fmt.Sprint(!r.Overdue) + r.Due + r.Name }, func(r row) bool { return r.Overdue }},
	} {
		decode := func(res webtest.Response) ([]row, string) {
			m := webtest.Decode[map[string]json.RawMessage](t, res)
			var rows []row
			next := ""
			if err := json.Unmarshal(m[list.name], &rows); err != nil {
				t.Fatalf("%s: %v in %s", list.path, err, res.Text)
			}
			if c, ok := m["next_cursor"]; ok && json.Unmarshal(c, &next) != nil {
				t.Fatalf("%s: next_cursor %s", list.path, c)
			}
			return rows, next
		}
		got := walk(t, e, token, list.path, "cursor", 5, decode)
		if len(got) != list.rows {
			t.Fatalf("%s: the walk gave %d rows, want %d", list.name, len(got), list.rows)
		}
		if !slices.IsSortedFunc(got, func(a, b row) int { return strings.Compare(list.order(a), list.order(b)) }) {
			t.Errorf("%s: not in order: %+v", list.name, got)
		}
		if names := slices.CompactFunc(slices.Clone(got), func(a, b row) bool { return strings.EqualFold(a.Name, b.Name) }); len(names) != list.rows {
			t.Errorf("%s: a row came twice", list.name)
		}
		if list.overdue == nil {
			continue
		}
		late := walk(t, e, token, list.path+"overdue=true&", "cursor", 3, decode)
		want := 0
		for _, r := range got {
			if list.overdue(r) {
				want++
			}
		}
		if len(late) != want || want == 0 || want == list.rows {
			t.Errorf("%s?overdue=true: %d rows, want %d of %d", list.name, len(late), want, list.rows)
		}
	}
}
