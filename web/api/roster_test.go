package api_test

import (
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// The roster's findings come through the API with the accounts' departments:
// Google puts Ada in Sales, the roster in Engineering.
func TestRosterDepartmentConflictInAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	if err := e.DB.CreatePerson(t.Context(), &attest.Person{OrgID: e.Alpha.ID, Name: "Ada Lovelace", Email: "ada@alpha.test",
		StartDate: "2024-01-08", Department: "Engineering"}); err != nil {
		t.Fatal(err)
	}
	conn := storetest.MustConnection(t, e.DB, e.Alpha, "workspace")
	e.Collected(t, conn, "google", []attest.Resource{{Type: "google.user", Key: "ada@alpha.test", Data: map[string]any{
		"email": "ada@alpha.test", "name": "Ada Lovelace", "department": "Sales", "active": true}}})
	token, _ := e.Token(e.Alpha, "auditor")
	ro := webtest.Decode[attest.Roster](t, e.API("GET", "/orgs/alpha/roster", token, nil))
	if len(ro.Findings) != 1 || ro.Findings[0].Kind != attest.FindingDeptConflict || ro.Findings[0].Account.Department != "Sales" ||
		ro.Findings[0].Person.Department != "Engineering" {
		t.Fatalf("findings = %+v", ro.Findings)
	}
	if len(ro.People) != 1 || len(ro.People[0].Accounts) != 1 || ro.People[0].Accounts[0].Department != "Sales" {
		t.Errorf("people = %+v", ro.People)
	}
}
