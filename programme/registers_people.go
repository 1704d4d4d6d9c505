package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
)

func init() { addRegister(peopleRegister) }

// peopleRegister says what the workforce shows on today: each working
// person whose security awareness training is done (or not yet due) is a
// record of the training control, each one overdue a gap; each person
// whose background check is complete or exempt is a record of the
// background check control, each one without either past the deadline a
// gap.
func peopleRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	rows, err := training.Status(ctx, q, orgID, today)
	if err != nil {
		return st, err
	}
	for _, r := range rows {
		if !r.Overdue() {
			st.Records[training.Control]++
			continue
		}
		msg := fmt.Sprintf("%s's security awareness training was due on %s.", r.Name, r.Due)
		if r.Last == "" {
			msg = fmt.Sprintf("%s has not completed security awareness training, due on %s.", r.Name, r.Due)
		}
		st.Gaps[training.Control] = append(st.Gaps[training.Control], readiness.Gap{Code: readiness.GapTraining, Message: msg})
	}
	checks, err := people.Background(ctx, q, orgID, today)
	if err != nil {
		return st, err
	}
	for _, r := range checks {
		switch {
		case r.Check != nil && r.Check.Complete():
			st.Records[people.BackgroundControl]++
		case r.Overdue && r.Check == nil:
			st.Gaps[people.BackgroundControl] = append(st.Gaps[people.BackgroundControl], readiness.Gap{Code: readiness.GapBackground,
				Message: fmt.Sprintf("%s has no background check, due by %s.", r.Name, r.Due)})
		case r.Overdue:
			st.Gaps[people.BackgroundControl] = append(st.Gaps[people.BackgroundControl], readiness.Gap{Code: readiness.GapBackground,
				Message: fmt.Sprintf("%s's background check is %s, and was due complete by %s.", r.Name, r.Check.Status, r.Due)})
		}
	}
	return st, nil
}
