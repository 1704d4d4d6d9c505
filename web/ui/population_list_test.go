package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

func TestPopulationsPageAndAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for _, p := range []attest.Person{
		{Name: "Ada Lovelace", Email: "ada@alpha.test", StartDate: "2026-03-02"},
		{Name: "Grace Hopper", Email: "grace@alpha.test", StartDate: "2020-01-06", EndDate: "2026-03-31"},
		{Name: "Before", Email: "before@alpha.test", StartDate: "2020-01-06", EndDate: "2026-02-28"},
	} {
		p.OrgID = e.Alpha.ID
		if err := e.DB.CreatePerson(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
	// Another organization's leaver of the same window is never shown.
	other := storetest.MustPerson(t, e.DB, e.Beta, "Eve", "eve@beta.test")
	other.EndDate = "2026-03-15"
	if err := e.DB.UpdatePerson(t.Context(), &other); err != nil {
		t.Fatal(err)
	}
	auditor := e.Login("auditor")
	res := auditor.Get("/o/alpha/people/populations?from=2026-03-01&to=2026-03-31")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `id="joiners"`) || !strings.Contains(res.Text, `data-email="ada@alpha.test"`) ||
		!strings.Contains(res.Text, `data-email="grace@alpha.test"`) || strings.Contains(res.Text, "before@alpha.test") ||
		strings.Contains(res.Text, "eve@beta.test") || !strings.Contains(res.Text, `class="table-scroll"`) {
		t.Fatalf("page: %d %s", res.StatusCode, res.Text)
	}
	csv := auditor.Get("/o/alpha/people/populations?from=2026-03-01&to=2026-03-31&download=leavers")
	lines := strings.Split(strings.TrimSpace(csv.Text), "\n")
	if csv.StatusCode != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || len(lines) != 2 ||
		!strings.HasPrefix(lines[1], "leavers,Grace Hopper,grace@alpha.test,") {
		t.Fatalf("leavers CSV: %d %q", csv.StatusCode, csv.Text)
	}
	bad := auditor.Get("/o/alpha/people/populations?from=2026-03-31&to=2026-03-01")
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Text, "is before from") {
		t.Fatalf("a window ending before it starts: %d", bad.StatusCode)
	}

	token, _ := e.Token(e.Alpha, "auditor")
	pop := webtest.Decode[attest.Populations](t, e.API("GET", "/orgs/alpha/roster/populations?from=2026-03-01&to=2026-03-31", token, nil))
	if len(pop.Joiners) != 1 || pop.Joiners[0].Person.Email != "ada@alpha.test" || len(pop.Leavers) != 1 ||
		pop.Leavers[0].Person.Email != "grace@alpha.test" || pop.Leavers[0].Reconciliation != "no account found" {
		t.Fatalf("API: %+v", pop)
	}
	if r := e.API("GET", "/orgs/alpha/roster/populations?from=2026-03-01", token, nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("API without to: %d", r.StatusCode)
	}
}

// A change of title is a mover of the window it was recorded in, on the
// page and in the CSV; another organization's mover never shows.
func TestMoversPage(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	for _, x := range []struct {
		org   attest.Organization
		email string
	}{{e.Alpha, "ada@alpha.test"}, {e.Beta, "eve@beta.test"}} {
		p := storetest.MustPerson(t, e.DB, x.org, "Mover "+x.email, x.email)
		for _, title := range []string{"Engineer", "Lead Engineer"} {
			p.Title = title
			if err := e.DB.UpdatePerson(t.Context(), &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	today := attest.Today(e.DB.Now())
	window := "from=" + attest.AddMonths(today, -1) + "&to=" + today
	auditor := e.Login("auditor")
	res := auditor.Get("/o/alpha/people/populations?" + window)
	i := strings.Index(res.Text, `id="movers"`)
	if res.StatusCode != http.StatusOK || i < 0 || !strings.Contains(res.Text[i:], `data-email="ada@alpha.test"`) ||
		!strings.Contains(res.Text[i:], today+": title Engineer → Lead Engineer") || strings.Contains(res.Text, "eve@beta.test") {
		t.Fatalf("movers: %d %s", res.StatusCode, res.Text)
	}
	csv := auditor.Get("/o/alpha/people/populations?" + window + "&download=movers")
	if !strings.Contains(csv.Text, "movers,Mover ada@alpha.test,ada@alpha.test,Lead Engineer") || !strings.Contains(csv.Text, today+" title: Engineer → Lead Engineer") {
		t.Fatalf("movers CSV: %q", csv.Text)
	}
}
