package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestAuditPopulationPages(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	mgr := e.Login("manager")
	if res := mgr.Get("/o/alpha/audit-populations"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No population taken yet") ||
		!strings.Contains(res.Text, "Take a population") {
		t.Fatalf("an empty list: %d %.500s", res.StatusCode, res.Text)
	}
	// The env's clock starts on 2026-06-01: June has not closed.
	res := mgr.Post("/o/alpha/audit-populations", url.Values{"kind": {"leavers"}, "from": {"2026-06-01"}, "to": {"2026-06-30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "can be taken from 2026-07-01") {
		t.Fatalf("an open window: %d %.3000s", res.StatusCode, res.Text)
	}
	res = mgr.Post("/o/alpha/audit-populations", url.Values{"kind": {"changes"}, "from": {"2026-01-01"}, "to": {"2026-01-31"}, "audit": {"FY26"}})
	if !res.RedirectsTo("/o/alpha/audit-populations/") {
		t.Fatalf("take: %d %.500s", res.StatusCode, res.Text)
	}
	page := mgr.Get(res.Header.Get("Location"))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Text, "an empty population, recorded as such") || !strings.Contains(page.Text, "FY26") ||
		!strings.Contains(page.Text, "deploy history") {
		t.Fatalf("the population's page: %d %.3000s", page.StatusCode, page.Text)
	}
	aud := e.Login("auditor")
	list := aud.Get("/o/alpha/audit-populations")
	if list.StatusCode != http.StatusOK || strings.Contains(list.Text, "Take a population") || !strings.Contains(list.Text, "2026-01-01 to 2026-01-31") {
		t.Fatalf("the auditor's list: %d %.3000s", list.StatusCode, list.Text)
	}
}
