package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// A leaver's Okta account outlives the deadline: the offboarding step names
// it; once a collection shows it disabled, the step verifies itself.
func TestLeaverChecklistInAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	token, _ := e.Token(e.Alpha, "manager")
	body := map[string]any{"kind": "offboarding", "employment_type": "employee", "name": "Leavers", "since": "2025-01-01",
		"steps": []map[string]any{{"title": "Disable accounts", "owner": "team", "due_days": 1, "check": "accounts_disabled"},
			{"title": "Recover laptop", "owner": "manager", "due_days": 5}}}
	tpl := webtest.Decode[attest.ChecklistTemplate](t, e.API("POST", "/orgs/alpha/checklist-templates", token, body))
	if tpl.ID == 0 || len(tpl.Steps) != 2 || tpl.Steps[0].Check != attest.CheckAccountsDisabled {
		t.Fatalf("template = %+v", tpl)
	}
	body["steps"] = []map[string]any{{"title": "x", "owner": "boss"}}
	body["employment_type"] = "intern"
	if res := e.API("POST", "/orgs/alpha/checklist-templates", token, body); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Text, `"field": "steps[0].owner"`) {
		t.Fatalf("a step owned by a boss: %d %s", res.StatusCode, res.Text)
	}
	lee := attest.Person{OrgID: e.Alpha.ID, Name: "Lee Leaver", Email: "lee@alpha.test", StartDate: "2024-01-08", EndDate: "2025-03-03"}
	if err := e.DB.CreatePerson(t.Context(), &lee); err != nil {
		t.Fatal(err)
	}
	okta := storetest.MustConnection(t, e.DB, e.Alpha, "okta")
	account := func(active bool) []attest.Resource {
		return []attest.Resource{{Type: "okta.user", Key: "00u1", Data: map[string]any{"login": "lee@alpha.test", "email": "lee@alpha.test", "active": active}}}
	}
	e.Collected(t, okta, "okta", account(true))
	if _, err := e.Checklists.Observe(t.Context(), e.Alpha.ID); err != nil {
		t.Fatal(err)
	}
	type lists struct{ Checklists []attest.Checklist }
	got := webtest.Decode[lists](t, e.API("GET", "/orgs/alpha/checklists", token, nil)).Checklists
	if len(got) != 1 || got[0].Steps[0].State != attest.StepOverdue || !strings.Contains(got[0].Steps[0].Detail, "okta lee@alpha.test") {
		t.Fatalf("checklists = %+v", got)
	}
	if res := e.API("POST", "/orgs/alpha/people/"+strconv.FormatInt(lee.ID, 10)+"/checklist-steps/"+strconv.FormatInt(tpl.Steps[0].ID, 10), token, map[string]string{"note": "gone"}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("closing an account step by hand: %d %s", res.StatusCode, res.Text)
	}
	e.Collected(t, okta, "okta", account(false))
	if n, err := e.Checklists.Observe(t.Context(), e.Alpha.ID); err != nil || n != 1 {
		t.Fatalf("observe after the account was disabled: %d, %v", n, err)
	}
	got = webtest.Decode[lists](t, e.API("GET", "/orgs/alpha/checklists?person="+strconv.FormatInt(lee.ID, 10), token, nil)).Checklists
	if len(got) != 1 || got[0].Steps[0].Completion == nil || got[0].Steps[0].Completion.How != attest.CompletedVerified {
		t.Fatalf("after the account went: %+v", got)
	}
	done := webtest.Decode[attest.StepCompletion](t, e.API("POST", "/orgs/alpha/people/"+strconv.FormatInt(lee.ID, 10)+"/checklist-steps/"+strconv.FormatInt(tpl.Steps[1].ID, 10), token,
		map[string]string{"note": "Laptop returned"}))
	if done.How != attest.CompletedByHand || done.Note != "Laptop returned" {
		t.Fatalf("closed = %+v", done)
	}
}
