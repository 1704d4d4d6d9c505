package ui_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestOSCALDownloads(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	adopt(e, "GOV-1")
	aud := e.Login("auditor")
	res := aud.Get("/o/alpha/criteria")
	if !strings.Contains(res.Text, `href="/o/alpha/oscal/component-definition"`) {
		t.Fatal("the criteria page does not link the OSCAL documents")
	}
	res = aud.Get("/o/alpha/oscal/component-definition")
	var doc map[string]map[string]any
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "oscal-component-definition-alpha") ||
		json.Unmarshal([]byte(res.Text), &doc) != nil || doc["component-definition"]["components"] == nil {
		t.Fatalf("component definition: %d %.300s", res.StatusCode, res.Text)
	}
	if !strings.Contains(res.Text, `"value": "GOV-1"`) {
		t.Errorf("the adopted control is not named:\n%.2000s", res.Text)
	}
	res = aud.Get("/o/alpha/oscal/assessment-results?from=2026-01-01&to=2026-03-31")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `"end": "2026-03-31T23:59:59Z"`) {
		t.Fatalf("assessment results: %d %.300s", res.StatusCode, res.Text)
	}
	for path, want := range map[string]string{
		"/o/alpha/oscal/catalog":                                          "component-definition or assessment-results",
		"/o/alpha/oscal/assessment-results?framework=iso27001":            "is not in this organization&#39;s scope",
		"/o/alpha/oscal/assessment-results?from=2026-05-01&to=2026-01-01": "is before from",
	} {
		if res := aud.Get(path); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, want) {
			t.Errorf("%s: %d, want 422 saying %q", path, res.StatusCode, want)
		}
	}
}
