package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// TestPolicyThroughTheAPI takes a policy from a template to an employee's
// acceptance with the API alone.
func TestPolicyThroughTheAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	admin, _ := e.Token(e.Alpha, "admin")
	manager, _ := e.Token(e.Alpha, "manager")
	employee, _ := e.Token(e.Alpha, "employee")
	auditor, _ := e.Token(e.Alpha, "auditor")
	for _, who := range []string{"employee", "spare"} {
		p := attest.Person{OrgID: e.Alpha.ID, Name: who, Email: e.Users[who].Email, StartDate: "2025-01-06"}
		if err := e.DB.CreatePerson(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
	type version struct {
		ID    int64  `json:"id"`
		Label string `json:"label"`
		State string `json:"state"`
		Hash  string `json:"hash"`
	}
	// The organization's values for placeholders; a name or value that is not
	// one is refused naming it.
	if res := e.API("PATCH", "/orgs/alpha/policy-settings", admin, map[string]any{"values": map[string]string{"company_name": "Alpha Corp"}}); res.StatusCode != 200 || !strings.Contains(res.Text, `"company_name": "Alpha Corp"`) {
		t.Fatalf("settings: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("PATCH", "/orgs/alpha/policy-settings", admin, map[string]any{"values": map[string]string{"approver": "two\nlines"}}); res.StatusCode != 422 || !strings.Contains(res.Text, `"field": "approver"`) {
		t.Fatalf("a value of two lines: %d %s", res.StatusCode, res.Text)
	}
	if res := e.API("PATCH", "/orgs/alpha/policy-settings", auditor, map[string]any{"values": map[string]string{"approver": "x"}}); res.StatusCode != 403 {
		t.Fatalf("an auditor's settings: %d", res.StatusCode)
	}
	res := e.API("POST", "/orgs/alpha/policies", admin, map[string]string{"template": "access-control"})
	pol := webtest.Decode[struct {
		Key    string  `json:"key"`
		Latest version `json:"latest"`
	}](t, res)
	if res.StatusCode != http.StatusCreated || pol.Key != "access-control" || pol.Latest.State != "draft" {
		t.Fatalf("adopt: %d %s", res.StatusCode, res.Text)
	}
	// Bad input: an unknown placeholder names its line; script is text.
	res = e.API("POST", "/orgs/alpha/policies/access-control/draft", admin, map[string]any{"body": "# A\n{{nope}}"})
	if res.StatusCode != 422 || !strings.Contains(res.Text, "line 2") || !strings.Contains(res.Text, `"field": "body"`) {
		t.Fatalf("unknown placeholder: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", "/orgs/alpha/policies/access-control/draft", admin, map[string]any{"body": "# Access at {{company_name}}\n\nNeed to know."})
	if v := webtest.Decode[version](t, res); res.StatusCode != 200 || v.ID != pol.Latest.ID {
		t.Fatalf("draft: %d %s", res.StatusCode, res.Text)
	}
	submit := fmt.Sprintf("/orgs/alpha/policy-versions/%d/submit", pol.Latest.ID)
	if res = e.API("POST", submit, admin, map[string]any{"approvers": []string{"nobody@alpha.test"}}); res.StatusCode != 422 || !strings.Contains(res.Text, "nobody@alpha.test") {
		t.Fatalf("unknown approver: %d %s", res.StatusCode, res.Text)
	}
	if res = e.API("POST", submit, admin, map[string]any{"approvers": []string{e.Users["auditor"].Email}}); res.StatusCode != 422 {
		t.Fatalf("auditor approver: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", submit, admin, map[string]any{"approvers": []string{e.Users["manager"].Email, e.Users["spare"].Email}, "quorum": 1})
	if v := webtest.Decode[struct {
		version
		Content string `json:"content"`
	}](t, res); res.StatusCode != 200 || v.State != "in_review" || len(v.Hash) != 64 || !strings.Contains(v.Content, "Access at Alpha Corp") {
		t.Fatalf("submit: %d %s", res.StatusCode, res.Text)
	}
	decide := fmt.Sprintf("/orgs/alpha/policy-versions/%d/decide", pol.Latest.ID)
	if res = e.API("POST", decide, employee, map[string]any{"decision": "approve"}); res.StatusCode != 403 {
		t.Fatalf("approval by someone not named: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", decide, manager, map[string]any{"decision": "approve", "comment": "fine"})
	if v := webtest.Decode[version](t, res); res.StatusCode != 200 || v.State != "approved" {
		t.Fatalf("approve: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", fmt.Sprintf("/orgs/alpha/policy-versions/%d/publish", pol.Latest.ID), admin, nil)
	published := webtest.Decode[version](t, res)
	if res.StatusCode != 200 || published.State != "published" {
		t.Fatalf("publish: %d %s", res.StatusCode, res.Text)
	}

	// The employee sees it, must name the version they read, and accepts.
	mine := webtest.Decode[struct {
		Policies []struct {
			Version version `json:"version"`
			Ack     struct {
				State string `json:"state"`
			} `json:"acknowledgement"`
		} `json:"policies"`
	}](t, e.API("GET", "/orgs/alpha/me/policies", employee, nil))
	if len(mine.Policies) != 1 || mine.Policies[0].Ack.State != "pending" || mine.Policies[0].Version.Hash != published.Hash {
		t.Fatalf("employee's policies: %+v", mine)
	}
	accept := "/orgs/alpha/me/policies/access-control/accept"
	if res = e.API("POST", accept, employee, map[string]any{"version_id": published.ID + 100}); res.StatusCode != 409 {
		t.Fatalf("accepting another version: %d %s", res.StatusCode, res.Text)
	}
	if res = e.API("POST", accept, auditor, map[string]any{"version_id": published.ID}); res.StatusCode != 403 {
		t.Fatalf("auditor accepting: %d %s", res.StatusCode, res.Text)
	}
	res = e.API("POST", accept, employee, map[string]any{"version_id": published.ID})
	if res.StatusCode != 201 || !strings.Contains(res.Text, published.Hash) {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Text)
	}
	// The auditor sees the acceptance and the report; the employee sees only
	// their own row.
	acc := webtest.Decode[struct {
		Acceptances []attest.Acceptance `json:"acceptances"`
	}](t, e.API("GET", "/orgs/alpha/acceptances?policy=access-control", auditor, nil))
	if len(acc.Acceptances) != 1 || acc.Acceptances[0].PersonEmail != e.Users["employee"].Email || acc.Acceptances[0].Hash != published.Hash {
		t.Fatalf("acceptances: %+v", acc)
	}
	report := webtest.Decode[struct {
		Rows   []attest.AckRow `json:"acknowledgements"`
		Totals map[string]int  `json:"totals"`
	}](t, e.API("GET", "/orgs/alpha/acknowledgements", auditor, nil))
	if len(report.Rows) != 2 || report.Totals["accepted"] != 1 || report.Totals["pending"] != 1 {
		t.Fatalf("report: %+v", report)
	}
	own := webtest.Decode[struct {
		Rows []attest.AckRow `json:"acknowledgements"`
	}](t, e.API("GET", "/orgs/alpha/acknowledgements", employee, nil))
	if len(own.Rows) != 1 || own.Rows[0].PersonEmail != e.Users["employee"].Email {
		t.Fatalf("employee's report: %+v", own)
	}
	if res = e.API("GET", "/orgs/alpha/acknowledgements?state=late", auditor, nil); res.StatusCode != 422 {
		t.Fatalf("bad state filter: %d", res.StatusCode)
	}

	// Exports through the API: the same files as the pages.
	if res = e.API("GET", "/orgs/alpha/acknowledgements/export?format=csv", auditor, nil); res.StatusCode != 200 ||
		!strings.Contains(res.Text, e.Users["employee"].Email+",") || !strings.HasPrefix(res.Text, "person,email,") {
		t.Fatalf("the report as CSV: %d %s", res.StatusCode, res.Text)
	}
	if res = e.API("GET", "/orgs/alpha/policies/access-control/export?format=pdf", auditor, nil); res.StatusCode != 200 || !strings.HasPrefix(res.Text, "%PDF-") {
		t.Fatalf("the policy as PDF: %d %.60q", res.StatusCode, res.Text)
	}
	if res = e.API("GET", "/orgs/alpha/policy-export?format=md", auditor, nil); res.StatusCode != 200 || !strings.Contains(res.Text, "## Approval of version 1.0") {
		t.Fatalf("the published set as Markdown: %d %s", res.StatusCode, res.Text)
	}
	if res = e.API("GET", "/orgs/alpha/acknowledgements/export?format=xlsx", auditor, nil); res.StatusCode != 422 || !strings.Contains(res.Text, `"field": "format"`) {
		t.Fatalf("an unknown format: %d %s", res.StatusCode, res.Text)
	}

	// The draft's text against the published one: one line changed.
	res = e.API("POST", "/orgs/alpha/policies/access-control/draft", admin, map[string]any{"body": "# Access at {{company_name}}\n\nNeed to know, always."})
	if res.StatusCode != 200 && res.StatusCode != 201 {
		t.Fatalf("a second draft: %d %s", res.StatusCode, res.Text)
	}
	diff := webtest.Decode[struct {
		From, To struct{ Label string }
		Lines    []struct{ Op, Text string }
		Complete bool
		Removed  int
		Added    int
	}](t, e.API("GET", "/orgs/alpha/policies/access-control/diff", auditor, nil))
	if diff.From.Label != "1.0" || diff.To.Label != "1.1" || !diff.Complete || diff.Removed != 1 || diff.Added != 1 ||
		len(diff.Lines) != 4 || diff.Lines[0].Op != "same" || diff.Lines[3].Op != "added" || diff.Lines[3].Text != "Need to know, always." || diff.Lines[2].Op != "removed" {
		t.Fatalf("diff: %+v", diff)
	}
	if res = e.API("GET", "/orgs/alpha/policies/access-control/diff?from=abc", auditor, nil); res.StatusCode != 422 || !strings.Contains(res.Text, `"field": "from"`) {
		t.Fatalf("a bad version ID: %d %s", res.StatusCode, res.Text)
	}
	if res = e.API("GET", "/orgs/alpha/policies/access-control/diff?to=999999", auditor, nil); res.StatusCode != 422 {
		t.Fatalf("an unknown version: %d %s", res.StatusCode, res.Text)
	}
}
