package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
)

// Monitoring: collections, test versions, current results with their history
// of state changes, per-run summaries, exceptions, custom tests, and the
// records of non-evidence ledger entries.

// AddCollection inserts a collection run.
func (q *Queries) AddCollection(ctx context.Context, c *attest.CollectionRun) error {
	failed, err := json.Marshal(nonNilMap(c.Failed))
	if err != nil {
		return err
	}
	warnings, err := json.Marshal(nonNilSlice(c.Warnings))
	if err != nil {
		return err
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO collections (org_id, uid, connection_id, connection_name, connector, started_at,
finished_at, partial, calls, resources, failed, warnings, error, snapshot_sha256, snapshot_size)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		c.OrgID, c.UID, c.ConnectionID, c.ConnectionName, c.Connector, stamp(c.StartedAt), stamp(c.FinishedAt), c.Partial,
		c.Calls, c.Resources, string(failed), string(warnings), c.Error, c.SnapshotSHA256, c.SnapshotSize).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("add collection: %w", err)
	}
	return nil
}

const collectionColumns = `id, org_id, uid, connection_id, connection_name, connector, started_at, finished_at, partial, calls,
resources, failed, warnings, error, snapshot_sha256, snapshot_size`

func scanCollection(row interface{ Scan(...any) error }, c *attest.CollectionRun) error {
	var failed, warnings string
	if err := row.Scan(&c.ID, &c.OrgID, &c.UID, &c.ConnectionID, &c.ConnectionName, &c.Connector, &c.StartedAt, &c.FinishedAt,
		&c.Partial, &c.Calls, &c.Resources, &failed, &warnings, &c.Error, &c.SnapshotSHA256, &c.SnapshotSize); err != nil {
		return err
	}
	c.StartedAt, c.FinishedAt = stamp(c.StartedAt), stamp(c.FinishedAt)
	if err := json.Unmarshal([]byte(failed), &c.Failed); err != nil {
		return fmt.Errorf("collection %s: failed: %w", c.UID, err)
	}
	if len(c.Failed) == 0 {
		c.Failed = nil
	}
	return json.Unmarshal([]byte(warnings), &c.Warnings)
}

// Collection returns one of the organization's collections by id.
func (q *Queries) Collection(ctx context.Context, orgID, id int64) (attest.CollectionRun, error) {
	var c attest.CollectionRun
	err := scanCollection(q.q.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections WHERE org_id = $1 AND id = $2`, orgID, id), &c)
	return c, notFound(err, "collection")
}

// CollectionByUID returns one of the organization's collections by its public id.
func (q *Queries) CollectionByUID(ctx context.Context, orgID int64, uid string) (attest.CollectionRun, error) {
	var c attest.CollectionRun
	err := scanCollection(q.q.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections WHERE org_id = $1 AND uid = $2`, orgID, uid), &c)
	return c, notFound(err, "collection")
}

// Collections lists the organization's newest collections, of one connection
// when connectionID is not 0, newest first.
func (q *Queries) Collections(ctx context.Context, orgID, connectionID int64, limit int) ([]attest.CollectionRun, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+collectionColumns+` FROM collections
WHERE org_id = $1 AND ($2 = 0 OR connection_id = $2) ORDER BY id DESC LIMIT $3`, orgID, connectionID, limit)
	if err != nil {
		return nil, fmt.Errorf("collections: %w", err)
	}
	defer rows.Close()
	var out []attest.CollectionRun
	for rows.Next() {
		var c attest.CollectionRun
		if err := scanCollection(rows, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LatestCompleteCollection returns a connection's newest collection that
// saw its system whole: not a webhook's partial one, not failed, and with a
// snapshot. However many partial or failed collections came after it, the
// index on (org_id, connection_id, id) walks back to it. ENOTFOUND when
// there is none.
func (q *Queries) LatestCompleteCollection(ctx context.Context, orgID, connectionID int64) (attest.CollectionRun, error) {
	var c attest.CollectionRun
	err := scanCollection(q.q.QueryRowContext(ctx, `SELECT `+collectionColumns+` FROM collections
WHERE org_id = $1 AND connection_id = $2 AND NOT partial AND error = '' AND snapshot_sha256 <> '' ORDER BY id DESC LIMIT 1`,
		orgID, connectionID), &c)
	return c, notFound(err, "complete collection")
}

// SaveTestVersion stores a test version the first time the organization uses
// it, with the library controls it supports, and reports whether it was new.
func (q *Queries) SaveTestVersion(ctx context.Context, orgID int64, version, testID string, definition []byte, controls []string) (bool, error) {
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM test_versions WHERE org_id = $1 AND version = $2`, orgID, version).Scan(&n); err != nil {
		return false, fmt.Errorf("test version: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := q.q.ExecContext(ctx, `INSERT INTO test_versions (org_id, version, test_id, definition, created_at) VALUES ($1, $2, $3, $4, $5)`,
		orgID, version, testID, string(definition), q.now()); err != nil {
		return false, fmt.Errorf("save test version %s: %w", testID, err)
	}
	seen := map[string]bool{}
	for _, ref := range controls {
		if ref == "" || seen[ref] {
			continue
		}
		seen[ref] = true
		if _, err := q.q.ExecContext(ctx, `INSERT INTO test_version_controls (org_id, version, control_ref) VALUES ($1, $2, $3)`,
			orgID, version, ref); err != nil {
			return false, fmt.Errorf("save test version %s: %w", testID, err)
		}
	}
	return true, nil
}

// TestVersion returns a stored test version's test ID and canonical definition.
func (q *Queries) TestVersion(ctx context.Context, orgID int64, version string) (testID string, definition []byte, err error) {
	var def string
	err = q.q.QueryRowContext(ctx, `SELECT test_id, definition FROM test_versions WHERE org_id = $1 AND version = $2`, orgID, version).Scan(&testID, &def)
	return testID, []byte(def), notFound(err, "test version")
}

// ResultFilter narrows a list of results. Zero fields match everything.
type ResultFilter struct {
	ConnectionID int64
	Test         string
	Status       attest.ResultStatus
	ResourceType string
	ResourceKey  string
	// Unexcepted leaves out failing results under an exception active at
	// At (approved, not revoked, expiring after At), as TestTallies
	// counts them: a page of failing results then matches its count.
	Unexcepted bool
	At         time.Time
	Limit      int // 0: no limit
	Offset     int // rows skipped first, with Limit: a page
	// After continues the list after a row (the API walks it this way, so
	// results recorded meanwhile neither repeat nor skip a row).
	After ResultCursor
}

// ResultCursor is where a page of results ended: the last row's place in
// the list's order (test, resource type, resource key, connection).
type ResultCursor struct {
	Test, ResourceType, ResourceKey string
	ConnectionID                    int64
}

// ResultCursorAfter is the cursor that continues a list after r.
func ResultCursorAfter(r attest.TestResult) ResultCursor {
	return ResultCursor{Test: r.Test, ResourceType: r.Resource.Type, ResourceKey: r.Resource.Key, ConnectionID: r.ConnectionID}
}

// String encodes the cursor for the API's next_cursor (base64url of its
// JSON); callers treat it as opaque.
func (c ResultCursor) String() string {
	if c == (ResultCursor{}) {
		return ""
	}
	b, _ := json.Marshal([]any{c.Test, c.ResourceType, c.ResourceKey, c.ConnectionID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseResultCursor reads a cursor from String; an empty string is the
// start of the list.
func ParseResultCursor(s string) (ResultCursor, error) {
	if s == "" {
		return ResultCursor{}, nil
	}
	bad := attest.Invalid("cursor", "must be the next_cursor of a previous page (got %q)", s)
	if len(s) > 4096 {
		return ResultCursor{}, attest.Invalid("cursor", "must be the next_cursor of a previous page (got %d characters)", len(s))
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ResultCursor{}, bad
	}
	var parts []json.RawMessage
	var c ResultCursor
	if json.Unmarshal(b, &parts) != nil || len(parts) != 4 || json.Unmarshal(parts[0], &c.Test) != nil ||
		json.Unmarshal(parts[1], &c.ResourceType) != nil || json.Unmarshal(parts[2], &c.ResourceKey) != nil ||
		json.Unmarshal(parts[3], &c.ConnectionID) != nil || c.Test == "" {
		return ResultCursor{}, bad
	}
	return c, nil
}

const resultColumns = `r.id, r.org_id, r.connection_id, r.test_id, r.test_version, r.resource_type, r.resource_key, r.status,
r.message, r.observed, r.expected, r.collection_id, c.uid, r.since, r.checked_at, rc.collection_id, cc.uid, rc.checked_at`

// resultFrom joins a result's own collection (c), and its connection's last
// full collection (rc, cc), which judged it again if newer (see TouchResults).
const resultFrom = ` FROM test_results r JOIN collections c ON c.id = r.collection_id
LEFT JOIN results_checked rc ON rc.org_id = r.org_id AND rc.connection_id = r.connection_id
LEFT JOIN collections cc ON cc.id = rc.collection_id `

func scanResult(row interface{ Scan(...any) error }, r *attest.TestResult) error {
	var (
		observed string
		fullID   sql.NullInt64
		fullUID  sql.NullString
		fullAt   sql.NullTime
	)
	if err := row.Scan(&r.ID, &r.OrgID, &r.ConnectionID, &r.Test, &r.TestVersion, &r.Resource.Type, &r.Resource.Key, &r.Status,
		&r.Message, &observed, &r.Expected, &r.CollectionID, &r.Collection, &r.Since, &r.CheckedAt, &fullID, &fullUID, &fullAt); err != nil {
		return err
	}
	r.Since, r.CheckedAt = stamp(r.Since), stamp(r.CheckedAt)
	if fullID.Valid && fullUID.Valid && fullAt.Valid && stamp(fullAt.Time).After(r.CheckedAt) {
		r.CollectionID, r.Collection, r.CheckedAt = fullID.Int64, fullUID.String, stamp(fullAt.Time)
	}
	if observed != "" && observed != "null" {
		if err := json.Unmarshal([]byte(observed), &r.Observed); err != nil {
			return fmt.Errorf("result %d: observed: %w", r.ID, err)
		}
	}
	return nil
}

// Results lists the organization's current results, worst first within each
// test, then by resource.
func (q *Queries) Results(ctx context.Context, orgID int64, f ResultFilter) ([]attest.TestResult, error) {
	where := []string{"r.org_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ConnectionID != 0 {
		add("r.connection_id = $%d", f.ConnectionID)
	}
	if f.Test != "" {
		add("r.test_id = $%d", f.Test)
	}
	if f.Status != "" {
		add("r.status = $%d", string(f.Status))
	}
	if f.ResourceType != "" {
		add("r.resource_type = $%d", f.ResourceType)
	}
	if f.ResourceKey != "" {
		add("r.resource_key = $%d", f.ResourceKey)
	}
	if f.After != (ResultCursor{}) {
		args = append(args, f.After.Test, f.After.ResourceType, f.After.ResourceKey, f.After.ConnectionID)
		n := len(args)
		where = append(where, fmt.Sprintf("(r.test_id, r.resource_type, r.resource_key, r.connection_id) > ($%d, $%d, $%d, $%d)", n-3, n-2, n-1, n))
	}
	if f.Unexcepted {
		add(`NOT (r.status = 'fail' AND EXISTS (SELECT 1 FROM test_exceptions e WHERE e.org_id = r.org_id AND e.test_id = r.test_id
    AND e.resource_type = r.resource_type AND e.resource_key = r.resource_key
    AND e.approved_at IS NOT NULL AND e.revoked_at IS NULL AND e.expires_at > $%d))`, stamp(f.At))
	}
	query := `SELECT ` + resultColumns + resultFrom + `WHERE ` +
		strings.Join(where, " AND ") + ` ORDER BY r.test_id, r.resource_type, r.resource_key, r.connection_id`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		query += fmt.Sprintf(" LIMIT $%d", len(args))
		if f.Offset > 0 {
			args = append(args, f.Offset)
			query += fmt.Sprintf(" OFFSET $%d", len(args))
		}
	}
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer rows.Close()
	var out []attest.TestResult
	for rows.Next() {
		var r attest.TestResult
		if err := scanResult(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Result returns one of the organization's current results.
func (q *Queries) Result(ctx context.Context, orgID, id int64) (attest.TestResult, error) {
	var r attest.TestResult
	err := scanResult(q.q.QueryRowContext(ctx, `SELECT `+resultColumns+resultFrom+`WHERE r.org_id = $1 AND r.id = $2`, orgID, id), &r)
	return r, notFound(err, "result")
}

func observedJSON(v any) (string, error) {
	if v == nil {
		return "null", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("observed value: %w", err)
	}
	return string(b), nil
}

// InsertResult stores a first verdict for a test and resource.
func (q *Queries) InsertResult(ctx context.Context, r *attest.TestResult) error {
	obs, err := observedJSON(r.Observed)
	if err != nil {
		return err
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO test_results (org_id, connection_id, test_id, resource_type, resource_key, status,
message, observed, expected, test_version, collection_id, since, checked_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		r.OrgID, r.ConnectionID, r.Test, r.Resource.Type, r.Resource.Key, string(r.Status), r.Message, obs, r.Expected,
		r.TestVersion, r.CollectionID, stamp(r.Since), stamp(r.CheckedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert result %s %s: %w", r.Test, r.Resource.Key, err)
	}
	return nil
}

// resultBatch is how many rows one multi-row INSERT writes: 13 values a
// result and 11 a change stay well under SQLite's 32,766 bound on a
// statement's parameters, and one statement per few hundred rows is what
// makes a first run of a large organization take seconds, not minutes.
const resultBatch = 500

// InsertResults stores first verdicts, several rows a statement. Every row
// must be of orgID; the IDs are not read back.
func (q *Queries) InsertResults(ctx context.Context, orgID int64, rows []attest.TestResult) error {
	for len(rows) > 0 {
		n := min(len(rows), resultBatch)
		var sb strings.Builder
		sb.WriteString(`INSERT INTO test_results (org_id, connection_id, test_id, resource_type, resource_key, status,
message, observed, expected, test_version, collection_id, since, checked_at) VALUES `)
		args := make([]any, 0, n*13)
		for i, r := range rows[:n] {
			if r.OrgID != orgID {
				return fmt.Errorf("insert results: a result of organization %d among those of %d", r.OrgID, orgID)
			}
			obs, err := observedJSON(r.Observed)
			if err != nil {
				return err
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(q.placeholders(len(args)+1, 13))
			args = append(args, orgID, r.ConnectionID, r.Test, r.Resource.Type, r.Resource.Key, string(r.Status), r.Message, obs, r.Expected,
				r.TestVersion, r.CollectionID, stamp(r.Since), stamp(r.CheckedAt))
		}
		if _, err := q.q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert %d results: %w", n, err)
		}
		rows = rows[n:]
	}
	return nil
}

// AddResultChanges appends to the history of results, several rows a
// statement.
func (q *Queries) AddResultChanges(ctx context.Context, orgID, connectionID, collectionID int64, chs []attest.ResultChange) error {
	for len(chs) > 0 {
		n := min(len(chs), resultBatch)
		var sb strings.Builder
		sb.WriteString(`INSERT INTO result_changes (org_id, connection_id, test_id, resource_type, resource_key,
from_status, to_status, message, test_version, collection_id, at) VALUES `)
		args := make([]any, 0, n*11)
		for i, ch := range chs[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(q.placeholders(len(args)+1, 11))
			args = append(args, orgID, connectionID, ch.Test, ch.Resource.Type, ch.Resource.Key, string(ch.From), string(ch.To), ch.Message,
				ch.TestVersion, collectionID, stamp(ch.At))
		}
		if _, err := q.q.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("result history: %w", err)
		}
		chs = chs[n:]
	}
	return nil
}

// param returns the placeholder of the n-th argument of a statement built
// with placeholders: "$n" for PostgreSQL, "?" for SQLite, which numbers it
// by its place (so it must be written in the arguments' order).
func (q *Queries) param(n int) string {
	if q.dialect == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// placeholders returns "($from, …, $from+n-1)" for PostgreSQL and
// "(?, …, ?)" for SQLite, which binds "$N" by name: with thousands of
// parameters in one statement, looking each name up made a batch quadratic.
func (q *Queries) placeholders(from, n int) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		if q.dialect == SQLite {
			sb.WriteByte('?')
			continue
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(from + i))
	}
	sb.WriteByte(')')
	return sb.String()
}

// ResultState is what a run compares a new verdict with: a current result
// without what only the doors show. Observed is its stored JSON.
type ResultState struct {
	ID          int64
	Test        string
	Resource    attest.ResourceRef
	Status      attest.ResultStatus
	Message     string
	Observed    string
	Expected    string
	TestVersion string
	Since       time.Time
}

// ResultStates returns the current results of one connection, for a run to
// compare with: one narrow query, no join, observed values left as JSON.
func (q *Queries) ResultStates(ctx context.Context, orgID, connectionID int64) ([]ResultState, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, test_id, resource_type, resource_key, status, message, observed, expected,
test_version, since FROM test_results WHERE org_id = $1 AND connection_id = $2`, orgID, connectionID)
	if err != nil {
		return nil, fmt.Errorf("result states: %w", err)
	}
	defer rows.Close()
	var out []ResultState
	for rows.Next() {
		var r ResultState
		if err := rows.Scan(&r.ID, &r.Test, &r.Resource.Type, &r.Resource.Key, &r.Status, &r.Message, &r.Observed, &r.Expected,
			&r.TestVersion, &r.Since); err != nil {
			return nil, err
		}
		r.Since = stamp(r.Since)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ObservedJSON is how a result's observed value is stored, so that a run
// can compare a new one with ResultState.Observed.
func ObservedJSON(v any) (string, error) { return observedJSON(v) }

// UpdateResult stores a new verdict over an existing one of the organization.
func (q *Queries) UpdateResult(ctx context.Context, r attest.TestResult) error {
	return q.UpdateResults(ctx, r.OrgID, []attest.TestResult{r})
}

// UpdateResults stores new verdicts over existing results of the
// organization, several rows a statement: a yearly collection of a large
// account changes most of its results, and one statement per row was most of
// the run's writing. Every row must exist and be orgID's, or nothing is
// written and the error is ENOTFOUND.
func (q *Queries) UpdateResults(ctx context.Context, orgID int64, rows []attest.TestResult) error {
	const cols = 9
	// A row named twice is written once, as its last: one statement cannot
	// update a row twice, and one per row wrote the last anyway.
	last := make(map[int64]int, len(rows))
	for i, r := range rows {
		last[r.ID] = i
	}
	if len(last) < len(rows) {
		kept := make([]attest.TestResult, 0, len(last))
		for i, r := range rows {
			if last[r.ID] == i {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	for len(rows) > 0 {
		n := min(len(rows), resultBatch)
		var sb strings.Builder
		sb.WriteString(`WITH v (id, status, message, observed, expected, test_version, collection_id, since, checked_at) AS (VALUES `)
		args := make([]any, 0, n*cols+1)
		for i, r := range rows[:n] {
			if r.OrgID != orgID {
				return attest.Errorf(attest.ENOTFOUND, "result not found: a result of organization %d among those of %d", r.OrgID, orgID)
			}
			obs, err := observedJSON(r.Observed)
			if err != nil {
				return err
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			if i == 0 && q.dialect != SQLite {
				// PostgreSQL types a VALUES list's columns from its first row.
				fmt.Fprintf(&sb, "($%d::bigint, $%d::text, $%d::text, $%d::text, $%d::text, $%d::text, $%d::bigint, $%d::timestamptz, $%d::timestamptz)",
					1, 2, 3, 4, 5, 6, 7, 8, 9)
			} else {
				sb.WriteString(q.placeholders(len(args)+1, cols))
			}
			args = append(args, r.ID, string(r.Status), r.Message, obs, r.Expected, r.TestVersion, r.CollectionID, stamp(r.Since), stamp(r.CheckedAt))
		}
		args = append(args, orgID)
		fmt.Fprintf(&sb, `) UPDATE test_results SET status = v.status, message = v.message, observed = v.observed, expected = v.expected,
test_version = v.test_version, collection_id = v.collection_id, since = v.since, checked_at = v.checked_at
FROM v WHERE test_results.org_id = %s AND test_results.id = v.id`, q.param(len(args)))
		res, err := q.q.ExecContext(ctx, sb.String(), args...)
		if err := affectedAll(res, err, n, "update"); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// DeleteResult removes a result whose resource is gone (its history stays).
func (q *Queries) DeleteResult(ctx context.Context, orgID, id int64) error {
	return q.DeleteResults(ctx, orgID, []int64{id})
}

// DeleteResults removes results whose resources are gone, several a
// statement. Every one must exist and be orgID's, or the error is ENOTFOUND
// (and the caller's transaction is to roll back).
func (q *Queries) DeleteResults(ctx context.Context, orgID int64, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), resultBatch)
		args := make([]any, 0, n+1)
		args = append(args, orgID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		res, err := q.q.ExecContext(ctx, `DELETE FROM test_results WHERE org_id = `+q.param(1)+` AND id IN `+q.placeholders(2, n), args...)
		if err := affectedAll(res, err, n, "delete"); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// affectedAll checks that a statement over n results of an organization
// reached every one. A shortfall is ENOTFOUND: the statement has written the
// others, so callers write in one transaction that the error rolls back.
func affectedAll(res sql.Result, err error, n int, verb string) error {
	if err != nil {
		return fmt.Errorf("%s %d results: %w", verb, n, err)
	}
	got, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if got != int64(n) {
		return attest.Errorf(attest.ENOTFOUND, "result not found: %d of %d results to %s are not the organization's", int64(n)-got, n, verb)
	}
	return nil
}

// ResultKey names a current result's row.
type ResultKey struct {
	ID       int64
	Test     string
	Resource attest.ResourceRef
}

// ResultIDs returns the row of every current result of one connection: a
// run that inserted results keeps their keys but not their IDs, and reads
// them all at once when a later run first changes one.
func (q *Queries) ResultIDs(ctx context.Context, orgID, connectionID int64) ([]ResultKey, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, test_id, resource_type, resource_key FROM test_results
WHERE org_id = $1 AND connection_id = $2`, orgID, connectionID)
	if err != nil {
		return nil, fmt.Errorf("result ids: %w", err)
	}
	defer rows.Close()
	var out []ResultKey
	for rows.Next() {
		var r ResultKey
		if err := rows.Scan(&r.ID, &r.Test, &r.Resource.Type, &r.Resource.Key); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TouchResults marks the connection's results that a collection judged again
// with the same verdict: every one of them after a full collection, or those
// of the listed resources after a partial one. After a full collection no
// result row is written: the connection records the collection, and reads
// take the newer of a result's own collection and its connection's (see
// resultFrom), so an unchanged organization costs one write per run rather
// than one per result.
func (q *Queries) TouchResults(ctx context.Context, orgID, connectionID, collectionID int64, at time.Time, only []attest.ResourceRef) error {
	if only == nil {
		_, err := q.q.ExecContext(ctx, `INSERT INTO results_checked (org_id, connection_id, generation, collection_id, checked_at)
VALUES ($1, $2, 0, $3, $4) ON CONFLICT (org_id, connection_id) DO UPDATE SET collection_id = excluded.collection_id,
checked_at = excluded.checked_at`, orgID, connectionID, collectionID, stamp(at))
		return err
	}
	for _, ref := range only {
		if _, err := q.q.ExecContext(ctx, `UPDATE test_results SET collection_id = $1, checked_at = $2
WHERE org_id = $3 AND connection_id = $4 AND resource_type = $5 AND resource_key = $6`,
			collectionID, stamp(at), orgID, connectionID, ref.Type, ref.Key); err != nil {
			return err
		}
	}
	return nil
}

// NextResultsGeneration counts one more run writing the results of a
// connection and returns its number (1 for the first). Called first in the
// run's transaction, it also holds the connection's row until the end, so
// two runs of one connection write one after the other.
func (q *Queries) NextResultsGeneration(ctx context.Context, orgID, connectionID int64) (int64, error) {
	var gen int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO results_checked (org_id, connection_id, generation) VALUES ($1, $2, 1)
ON CONFLICT (org_id, connection_id) DO UPDATE SET generation = results_checked.generation + 1 RETURNING generation`,
		orgID, connectionID).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("results generation: %w", err)
	}
	return gen, nil
}

// AddResultChange appends to the history of results.
func (q *Queries) AddResultChange(ctx context.Context, orgID, connectionID, collectionID int64, ch attest.ResultChange) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO result_changes (org_id, connection_id, test_id, resource_type, resource_key,
from_status, to_status, message, test_version, collection_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		orgID, connectionID, ch.Test, ch.Resource.Type, ch.Resource.Key, string(ch.From), string(ch.To), ch.Message,
		ch.TestVersion, collectionID, stamp(ch.At))
	if err != nil {
		return fmt.Errorf("result history: %w", err)
	}
	return nil
}

// ResultChanges returns the history of one test, of one resource when key is
// not "", newest first.
func (q *Queries) ResultChanges(ctx context.Context, orgID int64, testID, key string, limit int) ([]attest.ResultChange, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	// Each condition is in the text only when asked for: "($2 = '' OR
	// h.test_id = $2)" kept SQLite from the index on (org, test, key, id),
	// and a result's page scanned three years of changes (80-120 ms) for 50.
	where, args := `h.org_id = $1`, []any{orgID}
	if testID != "" {
		args = append(args, testID)
		where += fmt.Sprintf(` AND h.test_id = $%d`, len(args))
	}
	if key != "" {
		args = append(args, key)
		where += fmt.Sprintf(` AND h.resource_key = $%d`, len(args))
	}
	args = append(args, limit)
	rows, err := q.q.QueryContext(ctx, `SELECT h.id, h.test_id, h.resource_type, h.resource_key, h.from_status, h.to_status, h.message,
h.test_version, c.uid, h.at FROM result_changes h JOIN collections c ON c.id = h.collection_id
WHERE `+where+fmt.Sprintf(` ORDER BY h.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("result history: %w", err)
	}
	defer rows.Close()
	var out []attest.ResultChange
	for rows.Next() {
		var h attest.ResultChange
		if err := rows.Scan(&h.ID, &h.Test, &h.Resource.Type, &h.Resource.Key, &h.From, &h.To, &h.Message, &h.TestVersion,
			&h.Collection, &h.At); err != nil {
			return nil, err
		}
		h.At = stamp(h.At)
		out = append(out, h)
	}
	return out, rows.Err()
}

// AddTestRun stores one test's counts in one collection.
func (q *Queries) AddTestRun(ctx context.Context, orgID, collectionID int64, r attest.TestRun) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO test_runs (collection_id, org_id, test_id, test_version, pass, fail, not_applicable,
error, unverifiable, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		collectionID, orgID, r.Test, r.TestVersion, r.Pass, r.Fail, r.NotApplicable, r.Error, r.Unverifiable, stamp(r.At))
	if err != nil {
		return fmt.Errorf("test run %s: %w", r.Test, err)
	}
	return nil
}

// TestRuns returns the organization's run summaries since a time, of one test
// when testID is not "", oldest first: the history chart.
func (q *Queries) TestRuns(ctx context.Context, orgID int64, testID string, since time.Time) ([]attest.TestRun, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.test_id, r.test_version, c.uid, r.pass, r.fail, r.not_applicable, r.error,
r.unverifiable, r.at FROM test_runs r JOIN collections c ON c.id = r.collection_id
WHERE r.org_id = $1 AND ($2 = '' OR r.test_id = $2) AND r.at >= $3 ORDER BY r.at, r.test_id`, orgID, testID, stamp(since))
	if err != nil {
		return nil, fmt.Errorf("test runs: %w", err)
	}
	defer rows.Close()
	var out []attest.TestRun
	for rows.Next() {
		var r attest.TestRun
		if err := rows.Scan(&r.Test, &r.TestVersion, &r.Collection, &r.Pass, &r.Fail, &r.NotApplicable, &r.Error, &r.Unverifiable, &r.At); err != nil {
			return nil, err
		}
		r.At = stamp(r.At)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ControlTestCounts counts the organization's current results per library
// control the judging test version supports: failing (less those exempted by
// an exception active at now), passing, unverifiable and in error.
type ControlTestCounts struct {
	Failing, Passing, Unverifiable, Errors, Excepted int
}

// TestCountsByControl returns ControlTestCounts keyed by library control ID.
func (q *Queries) TestCountsByControl(ctx context.Context, orgID int64, now time.Time) (map[string]ControlTestCounts, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT v.control_ref, r.status,
CASE WHEN EXISTS (SELECT 1 FROM test_exceptions e WHERE e.org_id = r.org_id AND e.test_id = r.test_id
    AND e.resource_type = r.resource_type AND e.resource_key = r.resource_key
    AND e.approved_at IS NOT NULL AND e.revoked_at IS NULL AND e.expires_at > $2) THEN 1 ELSE 0 END AS excepted,
COUNT(*) FROM test_results r JOIN test_version_controls v ON v.org_id = r.org_id AND v.version = r.test_version
WHERE r.org_id = $1 GROUP BY v.control_ref, r.status, excepted`, orgID, stamp(now))
	if err != nil {
		return nil, fmt.Errorf("test counts: %w", err)
	}
	defer rows.Close()
	out := map[string]ControlTestCounts{}
	for rows.Next() {
		var ref, status string
		var excepted, n int
		if err := rows.Scan(&ref, &status, &excepted, &n); err != nil {
			return nil, err
		}
		c := out[ref]
		switch attest.ResultStatus(status) {
		case attest.ResultFail:
			if excepted == 1 {
				c.Excepted += n
			} else {
				c.Failing += n
			}
		case attest.ResultPass:
			c.Passing += n
		case attest.ResultUnverifiable:
			c.Unverifiable += n
		case attest.ResultError:
			c.Errors += n
		}
		out[ref] = c
	}
	return out, rows.Err()
}

// TestTally is what a test's current results add up to.
type TestTally struct {
	// Counts counts them by status, and "excepted" the failing ones an
	// exception exempts.
	Counts map[string]int
	// LastRun is when the latest of them was checked: by the collection
	// that wrote it, or by a later full collection of its connection that
	// found it unchanged (see TouchResults).
	LastRun time.Time
	// FailingSince is when the oldest failure no exception exempts began.
	FailingSince time.Time
}

// TestTallies tallies the organization's current results per test, with
// the exceptions active at now: what the dashboard, the control pages and
// the test list show, without reading every result.
func (q *Queries) TestTallies(ctx context.Context, orgID int64, now time.Time) (map[string]TestTally, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT r.test_id, r.status,
CASE WHEN r.status = 'fail' AND EXISTS (SELECT 1 FROM test_exceptions e WHERE e.org_id = r.org_id AND e.test_id = r.test_id
    AND e.resource_type = r.resource_type AND e.resource_key = r.resource_key
    AND e.approved_at IS NOT NULL AND e.revoked_at IS NULL AND e.expires_at > $2) THEN 1 ELSE 0 END AS excepted,
COUNT(*), MIN(r.since), MAX(CASE WHEN rc.checked_at > r.checked_at THEN rc.checked_at ELSE r.checked_at END)
FROM test_results r LEFT JOIN results_checked rc ON rc.org_id = r.org_id AND rc.connection_id = r.connection_id
WHERE r.org_id = $1 GROUP BY r.test_id, r.status, excepted`, orgID, stamp(now))
	if err != nil {
		return nil, fmt.Errorf("test tallies: %w", err)
	}
	defer rows.Close()
	out := map[string]TestTally{}
	for rows.Next() {
		var test, status string
		var excepted, n int
		var since, checked aggTime
		if err := rows.Scan(&test, &status, &excepted, &n, &since, &checked); err != nil {
			return nil, fmt.Errorf("test tallies: %w", err)
		}
		t := out[test]
		if t.Counts == nil {
			t.Counts = map[string]int{}
		}
		t.Counts[status] += n
		if excepted == 1 {
			t.Counts["excepted"] += n
		} else if status == string(attest.ResultFail) && (t.FailingSince.IsZero() || since.Time.Before(t.FailingSince)) {
			t.FailingSince = since.Time
		}
		if checked.Time.After(t.LastRun) {
			t.LastRun = checked.Time
		}
		out[test] = t
	}
	return out, rows.Err()
}

// aggTime scans the MIN or MAX of a timestamp column. PostgreSQL gives a
// time; SQLite gives the text it stores, since an aggregate has no declared
// type for the driver to parse by. That text is ordered as the times are, so
// SQLite's MIN and MAX are right: every stamp is UTC, written in one format
// (_time_format=sqlite), where "15:04:05+00:00" sorts before "15:04:05.5+00:00"
// because '+' sorts before '.'.
type aggTime struct{ Time time.Time }

// sqliteTime is the format _time_format=sqlite writes.
const sqliteTime = "2006-01-02 15:04:05.999999999-07:00"

func (a *aggTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.Time = time.Time{}
	case time.Time:
		a.Time = x.UTC()
	case string:
		return a.parse(x)
	case []byte:
		return a.parse(string(x))
	default:
		return fmt.Errorf("a time aggregate of type %T", v)
	}
	return nil
}

func (a *aggTime) parse(s string) error {
	t, err := time.Parse(sqliteTime, s)
	if err != nil {
		return fmt.Errorf("a time aggregate: %w", err)
	}
	a.Time = t.UTC()
	return nil
}

// AddException stores an exception request.
func (q *Queries) AddException(ctx context.Context, e *attest.TestException) error {
	e.CreatedAt = q.now()
	err := q.q.QueryRowContext(ctx, `INSERT INTO test_exceptions (org_id, uid, test_id, resource_type, resource_key, reason,
requested_by, approved_by, approved_at, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		e.OrgID, e.UID, e.Test, e.Resource.Type, e.Resource.Key, e.Reason, e.RequestedBy, nullID(e.ApprovedBy), nullTime(e.ApprovedAt),
		stamp(e.ExpiresAt), stamp(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("add exception: %w", err)
	}
	return nil
}

// ApproveException records the approval of a waiting exception.
func (q *Queries) ApproveException(ctx context.Context, orgID, id, approver int64, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE test_exceptions SET approved_by = $1, approved_at = $2
WHERE org_id = $3 AND id = $4 AND approved_at IS NULL AND revoked_at IS NULL`, approver, stamp(at), orgID, id)
	return affectedOne(res, err, "waiting exception")
}

// RevokeException ends an exception early.
func (q *Queries) RevokeException(ctx context.Context, orgID, id, by int64, at time.Time) error {
	res, err := q.q.ExecContext(ctx, `UPDATE test_exceptions SET revoked_by = $1, revoked_at = $2
WHERE org_id = $3 AND id = $4 AND revoked_at IS NULL`, nullID(by), stamp(at), orgID, id)
	return affectedOne(res, err, "exception")
}

const exceptionColumns = `e.id, e.org_id, e.uid, e.test_id, e.resource_type, e.resource_key, e.reason, e.requested_by,
COALESCE(ru.name, ''), COALESCE(e.approved_by, 0), COALESCE(au.name, ''), e.approved_at, e.expires_at, e.created_at, e.revoked_at,
COALESCE(e.revoked_by, 0)`

const exceptionFrom = ` FROM test_exceptions e LEFT JOIN users ru ON ru.id = e.requested_by LEFT JOIN users au ON au.id = e.approved_by `

func scanException(row interface{ Scan(...any) error }, e *attest.TestException) error {
	var approved, revoked sql.NullTime
	if err := row.Scan(&e.ID, &e.OrgID, &e.UID, &e.Test, &e.Resource.Type, &e.Resource.Key, &e.Reason, &e.RequestedBy,
		&e.RequestedName, &e.ApprovedBy, &e.ApprovedName, &approved, &e.ExpiresAt, &e.CreatedAt, &revoked, &e.RevokedBy); err != nil {
		return err
	}
	e.ApprovedAt, e.RevokedAt = timeOf(approved), timeOf(revoked)
	e.ExpiresAt, e.CreatedAt = stamp(e.ExpiresAt), stamp(e.CreatedAt)
	return nil
}

// Exceptions lists the organization's exceptions, newest first.
func (q *Queries) Exceptions(ctx context.Context, orgID int64) ([]attest.TestException, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+exceptionColumns+exceptionFrom+`WHERE e.org_id = $1 ORDER BY e.id DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	defer rows.Close()
	var out []attest.TestException
	for rows.Next() {
		var e attest.TestException
		if err := scanException(rows, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Exception returns one of the organization's exceptions by its public id.
func (q *Queries) Exception(ctx context.Context, orgID int64, uid string) (attest.TestException, error) {
	var e attest.TestException
	err := scanException(q.q.QueryRowContext(ctx, `SELECT `+exceptionColumns+exceptionFrom+`WHERE e.org_id = $1 AND e.uid = $2`, orgID, uid), &e)
	return e, notFound(err, "exception")
}

// SaveCustomTest stores (or replaces) one of the organization's own tests.
func (q *Queries) SaveCustomTest(ctx context.Context, orgID int64, testID, source string, by int64) error {
	now := q.now()
	res, err := q.q.ExecContext(ctx, `UPDATE custom_tests SET source = $1, updated_at = $2 WHERE org_id = $3 AND test_id = $4`,
		source, now, orgID, testID)
	if err != nil {
		return fmt.Errorf("save test %s: %w", testID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO custom_tests (org_id, test_id, source, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5)`, orgID, testID, source, nullID(by), now)
	if err != nil {
		return fmt.Errorf("save test %s: %w", testID, err)
	}
	return nil
}

// CustomTest is one of an organization's own tests as written.
type CustomTest struct {
	ID        string
	Source    string
	UpdatedAt time.Time
}

// CustomTests returns the organization's own tests, by ID.
func (q *Queries) CustomTests(ctx context.Context, orgID int64) ([]CustomTest, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT test_id, source, updated_at FROM custom_tests WHERE org_id = $1 ORDER BY test_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("custom tests: %w", err)
	}
	defer rows.Close()
	var out []CustomTest
	for rows.Next() {
		var c CustomTest
		if err := rows.Scan(&c.ID, &c.Source, &c.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteCustomTest removes one of the organization's own tests; its results
// and versions stay in the history.
func (q *Queries) DeleteCustomTest(ctx context.Context, orgID int64, testID string) error {
	res, err := q.q.ExecContext(ctx, `DELETE FROM custom_tests WHERE org_id = $1 AND test_id = $2`, orgID, testID)
	return affectedOne(res, err, "test")
}

// SaveLedgerRecord keeps the canonical bytes of a non-evidence record whose
// entry is appended in the same transaction.
func (q *Queries) SaveLedgerRecord(ctx context.Context, orgID int64, r ledger.BundleRecord) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO ledger_records (org_id, record_type, record_id, record_hash, record, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`, orgID, r.Type, r.ID, r.RecordHash, string(r.Record), q.now())
	if isUnique(err) {
		return nil // the same record again (an unchanged snapshot's bytes are named by content)
	}
	if err != nil {
		return fmt.Errorf("save %s record %s: %w", r.Type, r.ID, err)
	}
	return nil
}

// LedgerRecords returns every non-evidence record of the organization.
func (q *Queries) LedgerRecords(ctx context.Context, orgID int64) ([]ledger.BundleRecord, error) {
	return q.ledgerRecords(ctx, orgID, "")
}

// LedgerRecordsOfType returns the organization's non-evidence records of
// one type.
func (q *Queries) LedgerRecordsOfType(ctx context.Context, orgID int64, recordType string) ([]ledger.BundleRecord, error) {
	return q.ledgerRecords(ctx, orgID, recordType)
}

func (q *Queries) ledgerRecords(ctx context.Context, orgID int64, recordType string) ([]ledger.BundleRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT record_type, record_id, record_hash, record FROM ledger_records
WHERE org_id = $1 AND ($2 = '' OR record_type = $2) ORDER BY record_type, record_id, record_hash`, orgID, recordType)
	if err != nil {
		return nil, fmt.Errorf("ledger records: %w", err)
	}
	defer rows.Close()
	var out []ledger.BundleRecord
	for rows.Next() {
		var r ledger.BundleRecord
		var rec string
		if err := rows.Scan(&r.Type, &r.ID, &r.RecordHash, &rec); err != nil {
			return nil, err
		}
		r.Record = json.RawMessage(rec)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LedgerRecord returns one non-evidence record of the organization.
func (q *Queries) LedgerRecord(ctx context.Context, orgID int64, recordType, id string) (ledger.BundleRecord, error) {
	r := ledger.BundleRecord{Type: recordType, ID: id}
	var rec string
	err := q.q.QueryRowContext(ctx, `SELECT record_hash, record FROM ledger_records WHERE org_id = $1 AND record_type = $2 AND record_id = $3
ORDER BY created_at DESC LIMIT 1`, orgID, recordType, id).Scan(&r.RecordHash, &rec)
	r.Record = json.RawMessage(rec)
	return r, notFound(err, recordType+" record")
}

func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
