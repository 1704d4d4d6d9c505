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
	audits, err := e.DB.Audits(t.Context(), e.Alpha.ID, true, nil)
	if err != nil || len(audits) != 1 {
		t.Fatalf("alpha's audit: %v", err)
	}
	base := "/orgs/alpha/audits/" + strconv.FormatInt(audits[0].ID, 10) + "/populations"
	// The env's clock starts on 2026-06-01: June has not closed.
	res := e.API("POST", base, secret, map[string]any{"kind": "leavers", "from": "2026-06-01", "to": "2026-06-30"})
	if res.StatusCode != http.StatusConflict || !strings.Contains(res.Text, "2026-07-01") {
		t.Fatalf("an open window: %d %s", res.StatusCode, compact(res.Text))
	}
	// Outside the audit's window (2026-01-01 to 2026-06-30).
	res = e.API("POST", base, secret, map[string]any{"kind": "changes", "from": "2025-12-01", "to": "2026-01-31"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(compact(res.Text), `"field":"from"`) {
		t.Fatalf("before the audit's window: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("POST", base, secret, map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31"})
	got := webtest.Decode[struct{ Population attest.PopulationRetrieval }](t, res)
	p := got.Population
	if res.StatusCode != http.StatusCreated || p.Count != 0 || p.Hash != attest.PopulationHash(nil) || p.AuditID != audits[0].ID ||
		p.Audit != audits[0].Name || !strings.HasPrefix(p.UID, "pop_") {
		t.Fatalf("take: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("GET", base, secret, nil)
	if list := webtest.Decode[struct{ Populations []attest.PopulationRetrieval }](t, res); len(list.Populations) != 1 || list.Populations[0].ID != p.ID {
		t.Fatalf("list: %s", compact(res.Text))
	}
	auditor, _ := e.Token(e.Alpha, "auditor")
	res = e.API("GET", base+"/"+strconv.FormatInt(p.ID, 10), auditor, nil)
	if one := webtest.Decode[struct{ Population attest.PopulationRetrieval }](t, res); res.StatusCode != http.StatusOK ||
		one.Population.RecordHash != p.RecordHash || !strings.Contains(one.Population.Query, "2026-01-01") {
		t.Fatalf("get as the auditor: %d %s", res.StatusCode, compact(res.Text))
	}
	res = e.API("GET", "/orgs/alpha/audit-populations/"+strconv.FormatInt(p.ID, 10), auditor, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the organization-wide read: %d %s", res.StatusCode, compact(res.Text))
	}
	if res := e.API("POST", base, auditor, map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an auditor takes one: %d", res.StatusCode)
	}
	if res := e.API("POST", base, secret, map[string]any{"kind": "moods", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(compact(res.Text), `"field":"kind"`) {
		t.Fatalf("unknown kind: %d %s", res.StatusCode, compact(res.Text))
	}
}
