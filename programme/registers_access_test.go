package programme

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func TestAccessReviewStatus(t *testing.T) {
	today := "2026-12-04"
	if st := AccessReviewStatus(nil, 0, today); len(st.Gaps["AC-4"]) != 1 || !strings.Contains(st.Gaps["AC-4"][0].Message, "No access review has been completed") {
		t.Fatalf("never reviewed: %+v", st)
	}
	done := attest.AccessReview{Title: "Q3", CompletedAt: time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC), Items: 4, Decided: 4}
	if st := AccessReviewStatus([]attest.AccessReview{done}, 0, today); st.Records["AC-4"] != 1 || len(st.Gaps["AC-4"]) != 0 {
		t.Fatalf("reviewed within the quarter: %+v", st)
	}
	// Two months' cadence: the same review is overdue since 2026-11-10.
	st := AccessReviewStatus([]attest.AccessReview{done}, 2, today)
	if st.Records["AC-4"] != 0 || len(st.Gaps["AC-4"]) != 1 || !strings.Contains(st.Gaps["AC-4"][0].Message, "was due on 2026-11-10") {
		t.Fatalf("overdue at two months: %+v", st)
	}
	late := attest.AccessReview{Title: "Q4", DueOn: "2026-12-01", Items: 5, Decided: 2}
	st = AccessReviewStatus([]attest.AccessReview{late, done}, 0, today)
	if len(st.Gaps["AC-4"]) != 1 || !strings.Contains(st.Gaps["AC-4"][0].Message, "“Q4” was due on 2026-12-01 and 3 of 5 accounts are undecided") {
		t.Fatalf("late campaign: %+v", st)
	}
}
