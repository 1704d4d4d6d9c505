package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

func TestVendorAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin, _ := e.Token(e.Alpha, "admin")
	res := e.API("POST", "/orgs/alpha/vendors", admin, map[string]any{"name": "Mailer", "criticality": "high",
		"data_shared": []string{"personal-data"}, "services": "Email", "contract_start": "2026-01-01", "contract_end": "2025-01-01"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"field": "contract_end"`) {
		t.Fatalf("contract ending before it starts: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/vendors", admin, map[string]any{"name": "Mailer", "criticality": "high",
		"data_shared": []string{"personal-data"}, "services": "Email", "location": "EU"})
	v := webtest.Decode[struct {
		Vendor struct {
			ID            int64  `json:"id"`
			NextReviewDue string `json:"next_review_due"`
			Subprocessor  bool   `json:"subprocessor"`
		} `json:"vendor"`
	}](t, res)
	if res.StatusCode != http.StatusCreated || !v.Vendor.Subprocessor || v.Vendor.NextReviewDue == "" {
		t.Fatalf("create: %d %s", res.StatusCode, res.Text)
	}
	base := fmt.Sprintf("/orgs/alpha/vendors/%d", v.Vendor.ID)
	res = e.API("POST", base+"/reviews", admin, map[string]any{"report_type": "none", "answers": map[string]string{"mfa": "Yes", "colour": "red"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"field": "answers"`) {
		t.Fatalf("an unknown question: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", base+"/reviews", admin, map[string]any{"report_type": "none", "answers": map[string]string{"mfa": "Yes"}})
	r := webtest.Decode[struct {
		ID int64 `json:"id"`
	}](t, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("start: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", fmt.Sprintf("%s/reviews/%d/complete", base, r.ID), admin, map[string]any{"conclusion": "Questionnaire acceptable."})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `"completed"`) {
		t.Fatalf("complete: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("GET", "/orgs/alpha/vendors/subprocessors?format=csv", admin, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Mailer,Email,personal data,EU,") {
		t.Fatalf("subprocessors: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/vendors/import", admin, webtest.CSV("name,criticality,colour\nX,low,red\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `unknown column`) {
		t.Fatalf("import with an unknown column: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/vendors/import", admin, webtest.CSV("name,criticality,contract_start,contract_end\nX,low,2026-02-01,2026-01-01\n"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, `"line": 2`) || !strings.Contains(res.Text, `"field": "contract_end"`) {
		t.Fatalf("import with a bad row: %d %s", res.StatusCode, res.Text)
	}
	employee, _ := e.Token(e.Alpha, "employee")
	if res := e.API("GET", "/orgs/alpha/vendors", employee, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an employee listed vendors: %d", res.StatusCode)
	}
}
