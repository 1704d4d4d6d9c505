package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OrgRevision is the organization's revision: a number that changes
// whenever a row of its records changes (triggers of migration 00033 bump
// it, in the transaction that changes the row). Equal revisions read at two
// moments mean nothing a derivation reads has changed in between; 0 means no
// record has changed since the revisions began.
func (q *Queries) OrgRevision(ctx context.Context, orgID int64) (int64, error) {
	var rev int64
	err := q.q.QueryRowContext(ctx, `SELECT COALESCE((SELECT revision FROM org_revisions WHERE org_id = $1), 0)`, orgID).Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("organization revision: %w", err)
	}
	return rev, nil
}

// NextExceptionExpiry is when the first of the organization's approved,
// unrevoked test exceptions active at now expires: the next moment a
// failing result it exempts counts as failing again. ok is false when no
// exception is active.
func (q *Queries) NextExceptionExpiry(ctx context.Context, orgID int64, now time.Time) (at time.Time, ok bool, err error) {
	// ORDER BY rather than MIN: SQLite's aggregate would lose the column's
	// time type.
	err = q.q.QueryRowContext(ctx, `SELECT expires_at FROM test_exceptions
WHERE org_id = $1 AND approved_at IS NOT NULL AND revoked_at IS NULL AND expires_at > $2
ORDER BY expires_at LIMIT 1`, orgID, stamp(now)).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next exception expiry: %w", err)
	}
	return at.UTC(), true, nil
}
