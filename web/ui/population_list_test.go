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
