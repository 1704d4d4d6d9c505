package programme

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// ctlAccessReview is the library control access reviews operate: quarterly
// user access reviews (CC6.2, CC6.3).
const ctlAccessReview = "AC-4"

func init() { addRegister(accessReviewRegister) }

func accessReviewRegister(ctx context.Context, q *store.Queries, orgID int64, today string) (RegisterStatus, error) {
	reviews, err := q.AccessReviews(ctx, attest.Visibility{OrgID: orgID})
	if err != nil {
		return RegisterStatus{}, err
	}
	months, err := q.AccessReviewMonths(ctx, orgID)
	if err != nil {
		return RegisterStatus{}, err
	}
	return AccessReviewStatus(reviews, months, today), nil
}

// AccessReviewStatus is what access reviews say for readiness on today: a
// campaign completed within the cadence (months; the default when 0) is a
// record for AC-4, and none a gap; an open campaign past its due day with
// accounts undecided is a gap too.
func AccessReviewStatus(reviews []attest.AccessReview, months int, today string) RegisterStatus {
	st := RegisterStatus{Records: map[string]int{}, Gaps: map[string][]readiness.Gap{}}
	gap := func(format string, args ...any) {
		st.Gaps[ctlAccessReview] = append(st.Gaps[ctlAccessReview], readiness.Gap{Code: readiness.GapAccessReview, Message: fmt.Sprintf(format, args...)})
	}
	if months <= 0 {
		months = attest.DefaultAccessReviewMonths
	}
	last := ""
	for _, r := range reviews {
		if on := r.CompletedOn(); on != "" {
			last = max(last, on)
			if _, overdue := attest.AccessReviewDue(on, months, today); !overdue {
				st.Records[ctlAccessReview]++
			}
		} else if r.DueOn < today && r.Decided < r.Items {
			gap("Access review “%s” was due on %s and %d of %d accounts are undecided.", r.Title, r.DueOn, r.Items-r.Decided, r.Items)
		}
	}
	switch due, overdue := attest.AccessReviewDue(last, months, today); {
	case last == "":
		gap("No access review has been completed: one is due every %d month(s).", months)
	case overdue:
		gap("No access review completed in the last %d month(s): the last was completed on %s, the next was due on %s.", months, last, due)
	}
	return st
}
