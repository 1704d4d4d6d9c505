package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestAuditPopulationsAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	secret, _ := e.Token(e.Alpha, "admin")
	// The env's clock starts on 2026-06-01: June has not closed.
	res := e.API("POST", "/orgs/alpha/audit-populations", secret, map[string]any{"kind": "leavers", "from": "2026-06-01", "to": "2026-06-30"})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Text, "2026-07-01") {
		t.Fatalf("an open window: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("POST", "/orgs/alpha/audit-populations", secret, map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31", "audit": "FY26"})
	got := webtest.Decode[struct{ Population attest.PopulationRetrieval }](t, res)
	p := got.Population
	if res.StatusCode != http.StatusCreated || p.Count != 0 || p.Hash != attest.PopulationHash(nil) || p.Audit != "FY26" || !strings.HasPrefix(p.UID, "pop_") {
		t.Fatalf("take: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("GET", "/orgs/alpha/audit-populations?audit=FY26", secret, nil)
	if list := webtest.Decode[struct{ Populations []attest.PopulationRetrieval }](t, res); len(list.Populations) != 1 || list.Populations[0].ID != p.ID {
		t.Fatalf("list: %s", compact(res.Text))
	}
	auditor, _ := e.Token(e.Alpha, "auditor")
	res = e.API("GET", "/orgs/alpha/audit-populations/"+strconv.FormatInt(p.ID, 10), auditor, nil)
	if one := webtest.Decode[struct{ Population attest.PopulationRetrieval }](t, res); res.StatusCode != http.StatusOK ||
		one.Population.RecordHash != p.RecordHash || !strings.Contains(one.Population.Query, "2026-01-01") {
		t.Fatalf("get as the auditor: %d %s", res.StatusCode, compact(res.Text))
	}
	if res := e.API("POST", "/orgs/alpha/audit-populations", auditor, map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an auditor takes one: %d", res.StatusCode)
	}
	if res := e.API("POST", "/orgs/alpha/audit-populations", secret, map[string]any{"kind": "moods", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(compact(res.Text), `"field":"kind"`) {
		t.Fatalf("unknown kind: %d %s", res.StatusCode, compact(res.Text))
	}
}
