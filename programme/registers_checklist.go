package programme

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// The library controls checklists operate: the onboarding and offboarding
// checklists, and the timely removal of access an offboarding's account
// step verifies.
const (
	ctlOnboarding    = "HR-8"
	ctlOffboarding   = "HR-9"
	ctlAccessRemoval = "AC-5"
)

func init() { addRegister(checklistRegister) }

func checklistRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	in, err := ChecklistInput(ctx, q, orgID, today)
	if err != nil {
		return RegisterStatus{}, err
	}
	return ChecklistStatus(attest.Checklists(in)), nil
}

// ChecklistStatus is what checklists say for readiness: a complete
// checklist is a record of its control, each step past its deadline a gap
// (a leaver's accounts not shown disabled in time also one of access
// removal).
func ChecklistStatus(lists []attest.Checklist) RegisterStatus {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	for _, c := range lists {
		ctl := ctlOnboarding
		if c.Kind == attest.ChecklistOffboarding {
			ctl = ctlOffboarding
		}
		if c.Complete() {
			st.Records[ctl]++
			continue
		}
		for _, s := range c.Steps {
			if s.State != attest.StepOverdue {
				continue
			}
			g := readiness.Gap{Code: readiness.GapChecklist, Message: attest.ChecklistFinding(c, s)}
			st.Gaps[ctl] = append(st.Gaps[ctl], g)
			if s.Step.Check == attest.CheckAccountsDisabled {
				st.Gaps[ctlAccessRemoval] = append(st.Gaps[ctlAccessRemoval], g)
			}
		}
	}
	return st
}
