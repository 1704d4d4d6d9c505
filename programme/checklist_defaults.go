package programme

import "github.com/attest-hq/attest"

// DefaultChecklists are the templates an organization starts from, one per
// kind and employment type, in Attest's words. Steps that Attest can verify
// close themselves; the rest are closed by their owner with a note.
func DefaultChecklists() []attest.ChecklistTemplate {
	onboarding := func(et string) []attest.ChecklistStep {
		steps := []attest.ChecklistStep{
			{Title: "Create the identity provider account and add the groups the role needs", Owner: attest.OwnerTeam, DueDays: 0, Check: attest.CheckIdPAccount},
			{Title: "Hand over a managed laptop with disk encryption and screen lock on", Owner: attest.OwnerManager, DueDays: 0},
			{Title: "Accept the policies that apply to them", Owner: attest.OwnerPerson, DueDays: 14, Check: attest.CheckPoliciesAccepted},
			{Title: "Complete security awareness training", Owner: attest.OwnerPerson, DueDays: 30, Check: attest.CheckTrainingDone},
		}
		if et != attest.EmploymentIntern {
			steps = append(steps, attest.ChecklistStep{Title: "Background check clear or exempt", Owner: attest.OwnerTeam, DueDays: 7, Check: attest.CheckBackground})
		}
		if et == attest.EmploymentContractor {
			steps = append(steps, attest.ChecklistStep{Title: "Signed confidentiality agreement on file", Owner: attest.OwnerManager, DueDays: 0})
		}
		return steps
	}
	offboarding := []attest.ChecklistStep{
		{Title: "Disable every account in every connected system", Owner: attest.OwnerTeam, DueDays: 1, Check: attest.CheckAccountsDisabled},
		{Title: "Recover the laptop, badge and any other equipment", Owner: attest.OwnerManager, DueDays: 7},
		{Title: "Transfer ownership of their documents, repositories and shared secrets", Owner: attest.OwnerManager, DueDays: 7},
	}
	var out []attest.ChecklistTemplate
	for _, et := range attest.EmploymentTypes() {
		out = append(out,
			attest.ChecklistTemplate{Kind: attest.ChecklistOnboarding, EmploymentType: et, Name: "Onboarding (" + et + ")", Steps: onboarding(et)},
			attest.ChecklistTemplate{Kind: attest.ChecklistOffboarding, EmploymentType: et, Name: "Offboarding (" + et + ")", Steps: offboarding})
	}
	return out
}
