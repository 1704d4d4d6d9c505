package attest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func checklistWorld() attest.ChecklistInput {
	on := attest.ChecklistTemplate{ID: 1, Kind: attest.ChecklistOnboarding, EmploymentType: attest.EmploymentEmployee, Name: "On", Since: "2026-03-01",
		Steps: []attest.ChecklistStep{
			{ID: 11, Title: "Laptop", Owner: attest.OwnerManager, DueDays: 0},
			{ID: 12, Title: "Policies", Owner: attest.OwnerPerson, DueDays: 14, Check: attest.CheckPoliciesAccepted},
			{ID: 13, Title: "Training", Owner: attest.OwnerPerson, DueDays: 30, Check: attest.CheckTrainingDone},
			{ID: 14, Title: "Account", Owner: attest.OwnerTeam, DueDays: -1, Check: attest.CheckIdPAccount},
		}}
	off := attest.ChecklistTemplate{ID: 2, Kind: attest.ChecklistOffboarding, EmploymentType: attest.EmploymentEmployee, Name: "Off", Since: "2026-03-01",
		Steps: []attest.ChecklistStep{{ID: 21, Title: "Disable accounts", Owner: attest.OwnerTeam, DueDays: 1, Check: attest.CheckAccountsDisabled}}}
	return attest.ChecklistInput{Today: "2026-04-10", Templates: []attest.ChecklistTemplate{on, off}, AccountsKnown: true,
		People: []attest.Person{
			{ID: 1, Name: "Ada", EmploymentType: attest.EmploymentEmployee, StartDate: "2026-03-20"},
			{ID: 2, Name: "Bob", EmploymentType: attest.EmploymentEmployee, StartDate: "2025-01-10", EndDate: "2026-04-01"},
			{ID: 3, Name: "Cy", EmploymentType: attest.EmploymentContractor, StartDate: "2026-04-01"},
			{ID: 4, Name: "Dee", EmploymentType: attest.EmploymentEmployee, StartDate: "2026-02-01"},
		},
		Facts: map[int64]attest.PersonFacts{
			1: {PoliciesDue: 3, PoliciesAccepted: 3},
			2: {ActiveAccounts: []attest.Account{{System: "github", Login: "bob-gh", Type: "github.member"}}},
		}}
}

func step(t *testing.T, cs []attest.Checklist, person int64, kind string, id int64) attest.StepState {
	t.Helper()
	for _, c := range cs {
		if c.Person.ID == person && c.Kind == kind {
			for _, s := range c.Steps {
				if s.Step.ID == id {
					return s
				}
			}
		}
	}
	t.Fatalf("person %d has no %s step %d", person, kind, id)
	return attest.StepState{}
}

func TestChecklists(t *testing.T) {
	in := checklistWorld()
	cs := attest.Checklists(in)
	// Ada joined after Since; Bob joined before it but left after it; Cy
	// is a contractor (no template); Dee joined before Since.
	if len(cs) != 2 {
		t.Fatalf("checklists = %+v; want Ada's onboarding and Bob's offboarding", cs)
	}
	if cs[0].Person.Name != "Ada" || cs[0].Overdue != 2 || cs[1].Overdue != 1 {
		t.Errorf("checklists = %+v; overdue ones first, then by anchor day", cs)
	}
	laptop := step(t, cs, 1, attest.ChecklistOnboarding, 11)
	if laptop.State != attest.StepOverdue || laptop.Due != "2026-03-20" || !laptop.ByHand() {
		t.Errorf("laptop step = %+v; want overdue since the start date, closed by hand", laptop)
	}
	if s := step(t, cs, 1, attest.ChecklistOnboarding, 12); s.State != attest.StepDone || s.Detail != "3 of 3 policies accepted" || s.ByHand() {
		t.Errorf("policies step = %+v; want done from the facts", s)
	}
	if s := step(t, cs, 1, attest.ChecklistOnboarding, 13); s.State != attest.StepOpen || s.Due != "2026-04-19" {
		t.Errorf("training step = %+v; want open, due 30 days after the start", s)
	}
	acc := step(t, cs, 1, attest.ChecklistOnboarding, 14)
	if acc.State != attest.StepOverdue || acc.Due != "2026-03-19" || acc.ByHand() {
		t.Errorf("account step = %+v; want overdue (a day before the start), not closable by hand", acc)
	}
	off := step(t, cs, 2, attest.ChecklistOffboarding, 21)
	if off.State != attest.StepOverdue || off.Due != "2026-04-02" || !strings.Contains(off.Detail, "github bob-gh") {
		t.Errorf("leaver's account step = %+v; want overdue naming the active account", off)
	}
	if msg := attest.ChecklistFinding(cs[1], off); !strings.Contains(msg, "Bob's offboarding step “Disable accounts” was due on 2026-04-02") ||
		!strings.Contains(msg, "bob-gh") {
		t.Errorf("finding = %q", msg)
	}

	// A completion closes a step; the earliest of two counts.
	at := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	in.Completions = []attest.StepCompletion{{PersonID: 1, StepID: 11, Note: "later", At: at.Add(time.Hour)}, {PersonID: 1, StepID: 11, Note: "first", At: at},
		{PersonID: 2, StepID: 11, Note: "another person's", At: at}}
	cs = attest.Checklists(in)
	if s := step(t, cs, 1, attest.ChecklistOnboarding, 11); s.State != attest.StepDone || s.Completion == nil || s.Completion.Note != "first" {
		t.Errorf("closed laptop step = %+v", s)
	}

	// Without an identity collection, account steps say why they cannot
	// be verified and may be closed by hand.
	in.AccountsKnown = false
	cs = attest.Checklists(in)
	if s := step(t, cs, 2, attest.ChecklistOffboarding, 21); s.Unverifiable == "" || !s.ByHand() || s.Detail != "" {
		t.Errorf("account step without collections = %+v", s)
	}
	// No policy to accept: unverifiable, not done.
	in.Facts[1] = attest.PersonFacts{}
	if s := step(t, attest.Checklists(in), 1, attest.ChecklistOnboarding, 12); s.State == attest.StepDone || s.Unverifiable == "" {
		t.Errorf("policies step with nothing to accept = %+v", s)
	}
}

func TestObserved(t *testing.T) {
	in := checklistWorld()
	cs := attest.Checklists(in)
	ada, bob := cs[0], cs[1]
	off := step(t, cs, 2, attest.ChecklistOffboarding, 21)
	if _, ok := attest.Observed(bob, off, in.Facts[2], in.Today); ok {
		t.Error("a leaver with an active account is observed done")
	}
	if note, ok := attest.Observed(bob, off, attest.PersonFacts{}, in.Today); !ok || !strings.Contains(note, "No active account") {
		t.Errorf("a leaver with no active account: %q, %v", note, ok)
	}
	if _, ok := attest.Observed(bob, off, attest.PersonFacts{}, "2026-03-31"); ok {
		t.Error("accounts observed disabled before the last working day")
	}
	acc := step(t, cs, 1, attest.ChecklistOnboarding, 14)
	gh := attest.PersonFacts{ActiveAccounts: []attest.Account{{Type: "github.member", System: "github", Login: "ada"}}}
	if _, ok := attest.Observed(ada, acc, gh, in.Today); ok {
		t.Error("a GitHub account observed as an identity provider account")
	}
	okta := attest.PersonFacts{ActiveAccounts: []attest.Account{{Type: "okta.user", System: "okta", Login: "ada@x", Connection: "okta-prod"}}}
	if note, ok := attest.Observed(ada, acc, okta, in.Today); !ok || !strings.Contains(note, "okta account ada@x") {
		t.Errorf("joiner with an Okta account: %q, %v", note, ok)
	}
	if _, ok := attest.Observed(ada, step(t, cs, 1, attest.ChecklistOnboarding, 11), okta, in.Today); ok {
		t.Error("a step closed by hand observed from accounts")
	}
}

func TestValidateChecklist(t *testing.T) {
	for _, c := range []struct {
		tpl   attest.ChecklistTemplate
		field string
	}{
		{attest.ChecklistTemplate{Kind: "exit", EmploymentType: "employee", Name: "x", Since: "2026-01-01"}, "kind"},
		{attest.ChecklistTemplate{Kind: "onboarding", EmploymentType: "volunteer", Name: "x", Since: "2026-01-01"}, "employment_type"},
		{attest.ChecklistTemplate{Kind: "onboarding", EmploymentType: "employee", Name: " ", Since: "2026-01-01"}, "name"},
		{attest.ChecklistTemplate{Kind: "onboarding", EmploymentType: "employee", Name: "x", Since: "2026-13-01"}, "since"},
	} {
		if err := attest.ValidateChecklistTemplate(&c.tpl); attest.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want an error on %s", c.tpl, err, c.field)
		}
	}
	for _, c := range []struct {
		kind  string
		s     attest.ChecklistStep
		field string
	}{
		{"onboarding", attest.ChecklistStep{Title: "", Owner: "team"}, "title"},
		{"onboarding", attest.ChecklistStep{Title: "x", Owner: "boss"}, "owner"},
		{"onboarding", attest.ChecklistStep{Title: "x", Owner: "member"}, "owner_user"},
		{"onboarding", attest.ChecklistStep{Title: "x", Owner: "team", OwnerUserID: 3}, "owner_user"},
		{"onboarding", attest.ChecklistStep{Title: "x", Owner: "team", DueDays: 400}, "due_days"},
		{"onboarding", attest.ChecklistStep{Title: "x", Owner: "team", Check: attest.CheckAccountsDisabled}, "check"},
		{"offboarding", attest.ChecklistStep{Title: "x", Owner: "team", Check: attest.CheckTrainingDone}, "check"},
	} {
		if err := attest.ValidateChecklistStep(c.kind, &c.s); attest.ErrorField(err) != c.field {
			t.Errorf("%s step %+v: %v; want an error on %s", c.kind, c.s, err, c.field)
		}
	}
	ok := attest.ChecklistStep{Title: " Disable ", Owner: "team", DueDays: 1, Check: attest.CheckAccountsDisabled}
	if err := attest.ValidateChecklistStep("offboarding", &ok); err != nil || ok.Title != "Disable" {
		t.Errorf("valid step: %v, %+v", err, ok)
	}
}

func TestMayCloseStep(t *testing.T) {
	emp := attest.Principal{UserID: 5, OrgID: 1, Role: attest.RoleEmployee}
	if err := emp.MayCloseStep([]int64{5}); err != nil {
		t.Errorf("owner: %v", err)
	}
	if err := emp.MayCloseStep([]int64{6}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("another employee's step: %v", err)
	}
	aud := attest.Principal{UserID: 7, OrgID: 1, Role: attest.RoleAuditor}
	if err := aud.MayCloseStep([]int64{7}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("auditor owning a step: %v", err)
	}
	if err := (attest.Principal{OrgID: 1, Role: attest.RoleEmployee}).MayCloseStep([]int64{0}); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("no user, unresolved owner: %v", err)
	}
	if err := (attest.Principal{UserID: 9, OrgID: 1, Role: attest.RoleManager}).MayCloseStep(nil); err != nil {
		t.Errorf("manager: %v", err)
	}
}
