package web_test

import (
	"fmt"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/webtest"
)

// checklistParams gives every call a joiner of alpha's with a step of the
// employees' onboarding template that the caller owns (the admin's for an
// auditor or an outsider), so that owners' routes find their own step.
func checklistParams(e *webtest.Env, who string) map[string]string {
	e.T.Helper()
	tpl, err := alphaOnboarding(e)
	if err != nil {
		e.T.Fatal(err)
	}
	owner := e.Users["admin"].ID
	if u, ok := e.Users[who]; ok && who != "auditor" && who != "outsider" {
		owner = u.ID
	}
	st := attest.ChecklistStep{Title: "Step for " + who, Owner: attest.OwnerMember, OwnerUserID: owner}
	if err := e.DB.AddChecklistStep(ctx, e.Alpha.ID, tpl.ID, &st); err != nil {
		e.T.Fatal(err)
	}
	n := personSeq.Add(1)
	p := storetest.MustPerson(e.T, e.DB, e.Alpha, fmt.Sprintf("Joiner %d", n), fmt.Sprintf("joiner%d@alpha.test", n))
	return map[string]string{"/people/{id}": id(p.ID), "/checklist/{step}": id(st.ID), "/checklist-steps/{step}": id(st.ID),
		"/templates/{id}": id(tpl.ID), "/steps/{step}": id(st.ID)}
}

// alphaOnboarding is alpha's onboarding template for employees, made once
// and applying to everyone who ever joined.
func alphaOnboarding(e *webtest.Env) (attest.ChecklistTemplate, error) {
	ts, err := e.DB.ChecklistTemplates(ctx, e.Alpha.ID)
	if err != nil {
		return attest.ChecklistTemplate{}, err
	}
	for _, t := range ts {
		if t.Kind == attest.ChecklistOnboarding && t.EmploymentType == attest.EmploymentEmployee {
			return t, nil
		}
	}
	t := attest.ChecklistTemplate{OrgID: e.Alpha.ID, Kind: attest.ChecklistOnboarding, EmploymentType: attest.EmploymentEmployee,
		Name: "Onboarding", Since: "2000-01-01"}
	err = e.DB.CreateChecklistTemplate(ctx, &t)
	if attest.ErrorCode(err) == attest.ECONFLICT {
		return alphaOnboarding(e) // made meanwhile by another call
	}
	return t, err
}

// Onboarding and offboarding: readers see every checklist and template,
// editors keep the templates, a step's owner (an employee too) closes it.
var _ = area(contractArea{
	access: map[string]web.Access{
		"GET /o/{org}/people/checklists":                             web.Read,
		"POST /o/{org}/people/checklists/defaults":                   web.Edit,
		"GET /o/{org}/people/checklists/defaults":                    web.Edit, // reloads after a refused form go back to its page
		"POST /o/{org}/people/checklists/templates/{id}/steps":       web.Edit,
		"GET /o/{org}/people/checklists/templates/{id}/steps":        web.Edit,
		"POST /o/{org}/people/checklists/steps/{step}/delete":        web.Edit,
		"POST /o/{org}/people/{id}/checklist/{step}":                 web.Work,
		"GET /o/{org}/people/{id}/checklist/{step}":                  web.Work,
		"GET /api/v1/orgs/{org}/checklists":                          web.Read,
		"GET /api/v1/orgs/{org}/checklist-templates":                 web.Read,
		"POST /api/v1/orgs/{org}/checklist-templates":                web.Edit,
		"POST /api/v1/orgs/{org}/people/{id}/checklist-steps/{step}": web.Work,
	},
	params: func(e *webtest.Env, who string, fx records) map[string]string { return checklistParams(e, who) },
	form: func(fx records) url.Values {
		return url.Values{"note": {"Laptop handed over"}, "title": {"Order a badge"}, "owner": {"team"}, "due_days": {"3"}, "since": {"2026-01-01"}}
	},
	body: map[string]any{
		"POST /api/v1/orgs/{org}/checklist-templates": map[string]any{"kind": "offboarding", "employment_type": "intern", "name": "Interns leaving",
			"since": "2026-01-01", "steps": []map[string]any{{"title": "Disable accounts", "owner": "team", "due_days": 1, "check": "accounts_disabled"}}},
		"POST /api/v1/orgs/{org}/people/{id}/checklist-steps/{step}": map[string]any{"note": "Done in the API"},
	},
})
