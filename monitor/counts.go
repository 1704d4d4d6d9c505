package monitor

import (
	"context"
	"time"

	"github.com/attest-hq/attest/store"
)

// tallies is DB.TestTallies at now, kept between requests (the one
// aggregate the dashboard, the control pages and the test list read, over
// every current result: 100,000 resources make hundreds of thousands) while
// the organization's revision stands (results and exceptions are its
// records) and until the next active exception expires, which changes
// "excepted" with time alone. TestCountsKept compares it with the aggregate
// after random changes. Callers must not modify the maps.
func (s *Service) tallies(ctx context.Context, orgID int64, now time.Time) (map[string]store.TestTally, error) {
	q := &s.DB.Queries
	return s.counts.Get(ctx, q, orgID, struct{}{}, now, func() (map[string]store.TestTally, time.Time, error) {
		counts, err := q.TestTallies(ctx, orgID, now)
		if err != nil {
			return nil, now, err
		}
		until, err := untilExceptionExpires(ctx, q, orgID, now)
		return counts, until, err
	})
}

// untilExceptionExpires is how long what the organization's exceptions
// decide at now holds with time alone: until the next active exception
// expires, or for ever when none is active. (Approvals, revocations and new
// requests are writes, which move the revision.)
func untilExceptionExpires(ctx context.Context, q *store.Queries, orgID int64, now time.Time) (time.Time, error) {
	next, ok, err := q.NextExceptionExpiry(ctx, orgID, now)
	if err != nil || !ok {
		return store.Forever, err
	}
	return next, nil
}
