package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

func init() { addRegister(riskRegister) }

// Library controls the risk register speaks for: the annual assessment
// (CC3.1–CC3.4) and the register with its treatments (CC3.2, CC9.1), the
// fraud risk assessment (CC3.3) and the threat and regulatory review (CC3.4)
// that the assessment covers.
var (
	riskAssessmentControls = []string{"RISK-1", "RISK-3", "RISK-7"}
	riskRegisterControls   = []string{"RISK-2"}
)

// riskRegister: an approved assessment within the last year is a record for
// the assessment controls and the register; no such assessment is a gap on
// the assessment controls, and risks past their review date or accepted
// beyond their expiry are gaps on the register.
func riskRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	assessments, err := q.RiskAssessments(ctx, orgID)
	if err != nil {
		return st, err
	}
	risks, err := q.Risks(ctx, orgID)
	if err != nil {
		return st, err
	}
	current := false
	var last attest.RiskAssessment
	for _, a := range assessments {
		if a.State != attest.AssessmentApproved {
			continue
		}
		if last.ApprovedAt.IsZero() || a.ApprovedAt.After(last.ApprovedAt) {
			last = a
		}
		current = current || a.AssessmentCurrentOn(today)
	}
	gap := func(ids []string, msg string) {
		for _, id := range ids {
			st.Gaps[id] = append(st.Gaps[id], readiness.Gap{Code: readiness.GapRiskReview, Message: msg})
		}
	}
	switch {
	case current:
		for _, id := range append(riskAssessmentControls, riskRegisterControls...) {
			st.Records[id]++
		}
	case last.ApprovedAt.IsZero() && len(risks) == 0:
		gap(riskAssessmentControls, "no risk register and no approved risk assessment yet")
	case last.ApprovedAt.IsZero():
		gap(riskAssessmentControls, "no risk assessment has been approved")
	default:
		gap(riskAssessmentControls, fmt.Sprintf("the last approved risk assessment (%s) is more than a year old", attest.Today(last.ApprovedAt)))
	}
	for _, r := range risks {
		switch {
		case r.AcceptanceExpiredOn(today):
			gap(riskRegisterControls, fmt.Sprintf("the acceptance of %s %s expired on %s", r.Ref, r.Title, r.AcceptExpires))
		case r.ReviewOverdueOn(today):
			gap(riskRegisterControls, fmt.Sprintf("the review of %s %s was due %s", r.Ref, r.Title, r.ReviewDate))
		}
	}
	return st, nil
}
