package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/attest-hq/attest"
)

// Log appends an entry to the organization's activity log. Call it inside the
// Update that makes the change, so the change and its record commit together.
func (q *Queries) Log(ctx context.Context, a attest.Activity) error {
	if a.OrgID == 0 || a.Action == "" {
		return fmt.Errorf("activity: organization and action are required")
	}
	if a.Via == "" {
		a.Via = attest.ViaSystem
	}
	a.At = q.now()
	var actor any
	if a.ActorID != 0 {
		actor = a.ActorID
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO activity (org_id, at, actor_id, actor_label, ip, via, action, record_type, record_id, summary)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, a.OrgID, a.At, actor, a.ActorLabel, a.IP, a.Via, a.Action, a.RecordType, a.RecordID, truncate(a.Summary, 1000))
	if err != nil {
		return fmt.Errorf("append activity: %w", err)
	}
	return nil
}

// NewestActivityIDs are the IDs of the organization's n newest activity
// entries, newest first: the activity log does not move the revision
// (sign-ins and exports write to it alone), so what shows recent activity
// names them. All n rather than the newest alone: on PostgreSQL an entry can
// commit after one with a higher ID, and still be among the newest shown.
func (q *Queries) NewestActivityIDs(ctx context.Context, orgID int64, n int) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM activity WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, orgID, n)
	if err != nil {
		return nil, fmt.Errorf("newest activity: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("newest activity: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Activity lists an organization's activity, newest first.
func (q *Queries) Activity(ctx context.Context, orgID int64, f attest.ActivityFilter) ([]attest.Activity, error) {
	var where []string
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Action != "" {
		add(`a.action LIKE $%d ESCAPE '\'`, likePrefix(f.Action))
	}
	if f.ActorLabel != "" {
		add("a.actor_label = $%d", f.ActorLabel)
	}
	if f.RecordType != "" {
		add("a.record_type = $%d", f.RecordType)
	}
	if !f.Since.IsZero() {
		add("a.at >= $%d", stamp(f.Since))
	}
	if !f.Until.IsZero() {
		add("a.at < $%d", stamp(f.Until))
	}
	if f.BeforeID > 0 {
		add("a.id < $%d", f.BeforeID)
	}
	query := `SELECT a.id, a.org_id, a.at, a.actor_id, a.actor_label, a.ip, a.via, a.action, a.record_type, a.record_id, a.summary
FROM activity a WHERE a.org_id = $1`
	for _, w := range where {
		query += " AND " + w
	}
	query += " ORDER BY a.id DESC"
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list activity: %w", err)
	}
	defer rows.Close()
	var out []attest.Activity
	for rows.Next() {
		var a attest.Activity
		var actor sql.NullInt64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.At, &actor, &a.ActorLabel, &a.IP, &a.Via, &a.Action, &a.RecordType, &a.RecordID, &a.Summary); err != nil {
			return nil, err
		}
		a.ActorID = actor.Int64
		out = append(out, a)
	}
	return out, rows.Err()
}

// likePrefix escapes LIKE wildcards so a filter matches literally as a prefix.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
