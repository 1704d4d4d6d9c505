package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

const accessReviewColumns = `r.id, r.org_id, r.uid, r.title, r.state, r.due_on, r.systems, r.snapshot_hash, r.started_by,
COALESCE(su.name, ''), r.started_at, r.completed_by, r.completed_at, r.report_uid`

const accessReviewFrom = ` FROM access_reviews r LEFT JOIN users su ON su.id = r.started_by `

func scanAccessReview(row interface{ Scan(...any) error }, r *attest.AccessReview, extra ...any) error {
	var systems string
	var started, completed sql.NullInt64
	var completedAt sql.NullTime
	dest := append([]any{&r.ID, &r.OrgID, &r.UID, &r.Title, &r.State, &r.DueOn, &systems, &r.SnapshotHash, &started,
		&r.StartedByName, &r.StartedAt, &completed, &completedAt, &r.ReportUID}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	r.StartedBy, r.CompletedBy, r.CompletedAt, r.StartedAt = started.Int64, completed.Int64, timeOf(completedAt), r.StartedAt.UTC()
	return json.Unmarshal([]byte(systems), &r.Systems)
}

// CreateAccessReview inserts a campaign of r.OrgID; its items are added with
// AddAccessReviewItem.
func (q *Queries) CreateAccessReview(ctx context.Context, r *attest.AccessReview) error {
	for i, s := range r.Systems {
		if err := q.checkOwner(ctx, r.OrgID, s.OwnerID, fmt.Sprintf("systems[%d].owner", i)); err != nil {
			return err
		}
	}
	systems, err := json.Marshal(r.Systems)
	if err != nil {
		return err
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = q.now()
	}
	r.StartedAt = stamp(r.StartedAt)
	err = q.q.QueryRowContext(ctx, `INSERT INTO access_reviews (org_id, uid, title, state, due_on, systems, snapshot_hash, started_by,
started_at, report_uid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '') RETURNING id`, r.OrgID, r.UID, r.Title, r.State, r.DueOn,
		string(systems), r.SnapshotHash, nullID(r.StartedBy), r.StartedAt).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create access review: %w", err)
	}
	return nil
}

// reviewerClause narrows items to a reviewer's own when v says so, as
// parameter n.
func reviewerClause(v attest.Visibility, n int) (string, []any) {
	if v.OwnerID == 0 {
		return "", nil
	}
	return fmt.Sprintf(" AND i.reviewer_id = $%d", n), []any{v.OwnerID}
}

// AccessReviews lists the campaigns v admits, newest first: every campaign,
// or for a reviewer only those with an item assigned to them, with the
// counts of the items v admits and of those decided.
func (q *Queries) AccessReviews(ctx context.Context, v attest.Visibility) ([]attest.AccessReview, error) {
	if v.None {
		return nil, nil
	}
	mine, args := reviewerClause(v, 2)
	rows, err := q.q.QueryContext(ctx, `SELECT `+accessReviewColumns+`, COUNT(i.id), COUNT(i.decided_at)`+accessReviewFrom+`
JOIN access_review_items i ON i.review_id = r.id AND i.org_id = r.org_id`+mine+`
WHERE r.org_id = $1 GROUP BY `+accessReviewColumns+` ORDER BY r.started_at DESC, r.id DESC`, append([]any{v.OrgID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("access reviews: %w", err)
	}
	defer rows.Close()
	var out []attest.AccessReview
	for rows.Next() {
		var r attest.AccessReview
		if err := scanAccessReview(rows, &r, &r.Items, &r.Decided); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AccessReview returns one of the organization's campaigns with the counts
// of all its items.
func (q *Queries) AccessReview(ctx context.Context, orgID, id int64) (attest.AccessReview, error) {
	var r attest.AccessReview
	err := scanAccessReview(q.q.QueryRowContext(ctx, `SELECT `+accessReviewColumns+`,
(SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id),
(SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decided_at IS NOT NULL)`+accessReviewFrom+`
WHERE r.org_id = $1 AND r.id = $2`, orgID, id), &r, &r.Items, &r.Decided)
	return r, notFound(err, "access review")
}

// LastAccessReviewCompleted is when the organization last completed a
// campaign; zero for never.
func (q *Queries) LastAccessReviewCompleted(ctx context.Context, orgID int64) (time.Time, error) {
	var at sql.NullTime
	err := q.q.QueryRowContext(ctx, `SELECT completed_at FROM access_reviews WHERE org_id = $1 AND state = $2
ORDER BY completed_at DESC LIMIT 1`, orgID, attest.AccessReviewCompleted).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return timeOf(at), err
}

// CompleteAccessReview marks an open campaign completed with its report.
func (q *Queries) CompleteAccessReview(ctx context.Context, orgID, id, by int64, reportUID string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE access_reviews SET state = $1, completed_by = $2, completed_at = $3, report_uid = $4
WHERE org_id = $5 AND id = $6 AND state = $7`, attest.AccessReviewCompleted, nullID(by), q.now(), reportUID, orgID, id, attest.AccessReviewOpen)
	if err != nil {
		return fmt.Errorf("complete access review: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "open access review not found")
	}
	return nil
}

const accessItemColumns = `i.id, i.org_id, i.review_id, i.system, i.connection_id, i.account_key, i.login, i.email, i.name, i.active,
i.admin, i.person_id, COALESCE(p.name, ''), i.reviewer_id, COALESCE(ru.name, ''), i.decision, i.reason, i.decided_by,
COALESCE(du.name, ''), i.decided_at, i.task_id`

const accessItemFrom = ` FROM access_review_items i LEFT JOIN people p ON p.id = i.person_id
LEFT JOIN users ru ON ru.id = i.reviewer_id LEFT JOIN users du ON du.id = i.decided_by `

func scanAccessItem(row interface{ Scan(...any) error }, it *attest.AccessReviewItem) error {
	var person, reviewer, decidedBy, task sql.NullInt64
	var decidedAt sql.NullTime
	if err := row.Scan(&it.ID, &it.OrgID, &it.ReviewID, &it.System, &it.ConnectionID, &it.Key, &it.Login, &it.Email, &it.Name,
		&it.Active, &it.Admin, &person, &it.PersonName, &reviewer, &it.ReviewerName, &it.Decision, &it.Reason, &decidedBy,
		&it.DecidedByName, &decidedAt, &task); err != nil {
		return err
	}
	it.PersonID, it.ReviewerID, it.DecidedBy, it.TaskID, it.DecidedAt = person.Int64, reviewer.Int64, decidedBy.Int64, task.Int64, timeOf(decidedAt)
	return nil
}

// AddAccessReviewItem adds an account to a campaign of it.OrgID.
func (q *Queries) AddAccessReviewItem(ctx context.Context, it *attest.AccessReviewItem) error {
	if _, err := q.AccessReview(ctx, it.OrgID, it.ReviewID); err != nil {
		return err
	}
	if err := q.checkOwner(ctx, it.OrgID, it.ReviewerID, "reviewer"); err != nil {
		return err
	}
	if it.PersonID != 0 {
		if _, err := q.Person(ctx, it.OrgID, it.PersonID); err != nil {
			return err
		}
	}
	err := q.q.QueryRowContext(ctx, `INSERT INTO access_review_items (org_id, review_id, system, connection_id, account_key, login, email,
name, active, admin, person_id, reviewer_id, decision, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', '') RETURNING id`,
		it.OrgID, it.ReviewID, it.System, it.ConnectionID, it.Key, it.Login, it.Email, it.Name, it.Active, it.Admin, nullID(it.PersonID),
		nullID(it.ReviewerID)).Scan(&it.ID)
	if isUnique(err) {
		return attest.Invalid("accounts", "account %s of %s is listed twice", it.Key, it.System)
	}
	if err != nil {
		return fmt.Errorf("add access review item: %w", err)
	}
	return nil
}

// AccessReviewItems lists the items of a campaign that v admits, by system
// then login.
func (q *Queries) AccessReviewItems(ctx context.Context, v attest.Visibility, reviewID int64) ([]attest.AccessReviewItem, error) {
	if v.None {
		return nil, nil
	}
	mine, args := reviewerClause(v, 3)
	rows, err := q.q.QueryContext(ctx, `SELECT `+accessItemColumns+accessItemFrom+`
WHERE i.org_id = $1 AND i.review_id = $2`+mine+` ORDER BY i.system, i.login, i.id`, append([]any{v.OrgID, reviewID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("access review items: %w", err)
	}
	defer rows.Close()
	var out []attest.AccessReviewItem
	for rows.Next() {
		var it attest.AccessReviewItem
		if err := scanAccessItem(rows, &it); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// AccessReviewItem returns one item of the organization's campaigns.
func (q *Queries) AccessReviewItem(ctx context.Context, orgID, id int64) (attest.AccessReviewItem, error) {
	var it attest.AccessReviewItem
	err := scanAccessItem(q.q.QueryRowContext(ctx, `SELECT `+accessItemColumns+accessItemFrom+` WHERE i.org_id = $1 AND i.id = $2`, orgID, id), &it)
	return it, notFound(err, "access review item")
}

// DecideAccessItem records an undecided item's decision and the task it
// opened.
func (q *Queries) DecideAccessItem(ctx context.Context, it *attest.AccessReviewItem) error {
	if err := q.checkOwner(ctx, it.OrgID, it.DecidedBy, "decided_by"); err != nil {
		return err
	}
	it.DecidedAt = q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE access_review_items SET decision = $1, reason = $2, decided_by = $3, decided_at = $4, task_id = $5
WHERE org_id = $6 AND id = $7 AND decided_at IS NULL`, it.Decision, it.Reason, nullID(it.DecidedBy), it.DecidedAt, nullID(it.TaskID), it.OrgID, it.ID)
	if err != nil {
		return fmt.Errorf("decide access review item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "undecided access review item not found")
	}
	return nil
}

// ReassignAccessItem gives an undecided item to another reviewer.
func (q *Queries) ReassignAccessItem(ctx context.Context, orgID, id, reviewerID int64) error {
	if err := q.checkOwner(ctx, orgID, reviewerID, "reviewer"); err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE access_review_items SET reviewer_id = $1 WHERE org_id = $2 AND id = $3 AND decided_at IS NULL`,
		nullID(reviewerID), orgID, id)
	if err != nil {
		return fmt.Errorf("reassign access review item: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "undecided access review item not found")
	}
	return nil
}

// AccessReviewMonths is the organization's access review cadence in
// months; 0 (the default) when it set none.
func (q *Queries) AccessReviewMonths(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT cadence_months FROM access_review_settings WHERE org_id = $1`, orgID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// SetAccessReviewMonths sets the organization's access review cadence.
func (q *Queries) SetAccessReviewMonths(ctx context.Context, orgID int64, months int) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO access_review_settings (org_id, cadence_months) VALUES ($1, $2)
ON CONFLICT (org_id) DO UPDATE SET cadence_months = excluded.cadence_months`, orgID, months)
	return err
}
