package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
)

// PopulationFilter narrows a listing of recorded retrievals; zero values
// match everything.
type PopulationFilter struct {
	Kind  string
	Audit string // the free audit_ref of older rows, or an audit's name
	// AuditID keeps the populations of one audit record.
	AuditID int64
}

const populationColumns = `id, org_id, uid, kind, window_from, window_to, audit_id, audit_ref, ran_at, row_count, population_hash, record_hash,
passed, deviations, not_testable, mismatches`

func scanPopulation(row interface{ Scan(...any) error }, r *attest.PopulationRetrieval) error {
	var audit sql.NullInt64
	err := row.Scan(&r.ID, &r.OrgID, &r.UID, &r.Kind, &r.From, &r.To, &audit, &r.Audit, &r.RanAt, &r.Count, &r.Hash, &r.RecordHash,
		&r.Tally.Passed, &r.Tally.Deviations, &r.Tally.NotTestable, &r.Tally.Mismatches)
	r.AuditID = audit.Int64
	r.RanAt = r.RanAt.UTC()
	return err
}

// CreatePopulation indexes a recorded retrieval whose ledger record (uid
// r.UID) is saved in the same transaction; takenBy is the user who took it,
// 0 for the command line.
func (q *Queries) CreatePopulation(ctx context.Context, r *attest.PopulationRetrieval, takenBy int64) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO populations (org_id, uid, kind, window_from, window_to, audit_id, audit_ref, ran_at, taken_by,
row_count, population_hash, record_hash, passed, deviations, not_testable, mismatches)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		r.OrgID, r.UID, r.Kind, r.From, r.To, nullID(r.AuditID), r.Audit, r.RanAt, nullID(takenBy), r.Count, r.Hash, r.RecordHash,
		r.Tally.Passed, r.Tally.Deviations, r.Tally.NotTestable, r.Tally.Mismatches).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create population: %w", err)
	}
	return nil
}

// Populations lists the organization's recorded retrievals, newest first,
// without their rows (the ledger record holds them).
func (q *Queries) Populations(ctx context.Context, orgID int64, f PopulationFilter) ([]attest.PopulationRetrieval, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+populationColumns+` FROM populations
WHERE org_id = $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR audit_ref = $3) AND ($4 = 0 OR audit_id = $4)
ORDER BY ran_at DESC, id DESC`, orgID, f.Kind, f.Audit, f.AuditID)
	if err != nil {
		return nil, fmt.Errorf("list populations: %w", err)
	}
	defer rows.Close()
	var out []attest.PopulationRetrieval
	for rows.Next() {
		var r attest.PopulationRetrieval
		if err := scanPopulation(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Population returns one of the organization's recorded retrievals, without
// its rows.
func (q *Queries) Population(ctx context.Context, orgID, id int64) (attest.PopulationRetrieval, error) {
	var r attest.PopulationRetrieval
	err := scanPopulation(q.q.QueryRowContext(ctx, `SELECT `+populationColumns+` FROM populations WHERE org_id = $1 AND id = $2`, orgID, id), &r)
	return r, notFound(err, "population")
}

const sampleColumns = `id, org_id, population_id, control_id, frequency, prior_deviation, size, seed, workpaper, drawn_at`

func scanSample(row interface{ Scan(...any) error }, s *attest.PopulationSample) error {
	var wp string
	if err := row.Scan(&s.ID, &s.OrgID, &s.PopulationID, &s.ControlID, &s.Frequency, &s.PriorDeviation, &s.Size, &s.Seed, &wp, &s.DrawnAt); err != nil {
		return err
	}
	s.DrawnAt = s.DrawnAt.UTC()
	if err := json.Unmarshal([]byte(wp), &s.Workpaper); err != nil {
		return fmt.Errorf("sample %d: its workpaper: %w", s.ID, err)
	}
	return nil
}

// CreateSample stores a sample drawn from a population; one per population
// and control (a second is ECONFLICT).
func (q *Queries) CreateSample(ctx context.Context, s *attest.PopulationSample, drawnBy int64) error {
	wp, err := json.Marshal(s.Workpaper)
	if err != nil {
		return err
	}
	err = q.q.QueryRowContext(ctx, `INSERT INTO population_samples (org_id, population_id, control_id, frequency, prior_deviation, size, seed,
workpaper, drawn_at, drawn_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		s.OrgID, s.PopulationID, s.ControlID, s.Frequency, s.PriorDeviation, s.Size, s.Seed, string(wp), s.DrawnAt, nullID(drawnBy)).Scan(&s.ID)
	if isUnique(err) {
		return attest.Errorf(attest.ECONFLICT, "a sample for this control was already drawn from this population")
	}
	if err != nil {
		return fmt.Errorf("create sample: %w", err)
	}
	return nil
}

// Samples lists the samples drawn from the organization's populations of
// one audit (auditID), oldest first.
func (q *Queries) Samples(ctx context.Context, orgID, auditID int64) ([]attest.PopulationSample, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+prefixed("s.", sampleColumns)+` FROM population_samples s
JOIN populations p ON p.id = s.population_id AND p.org_id = s.org_id
WHERE s.org_id = $1 AND p.audit_id = $2 ORDER BY s.id`, orgID, auditID)
	if err != nil {
		return nil, fmt.Errorf("list samples: %w", err)
	}
	defer rows.Close()
	var out []attest.PopulationSample
	for rows.Next() {
		var s attest.PopulationSample
		if err := scanSample(rows, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetRootCause records a member's root cause of a control's deviation in an
// audit; empty text removes it.
func (q *Queries) SetRootCause(ctx context.Context, orgID, auditID, controlID int64, text string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM audit_results WHERE org_id = $1 AND audit_id = $2 AND control_id = $3`, orgID, auditID, controlID); err != nil {
		return fmt.Errorf("root cause: %w", err)
	}
	if text == "" {
		return nil
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_results (org_id, audit_id, control_id, root_cause, updated_at) VALUES ($1, $2, $3, $4, $5)`,
		orgID, auditID, controlID, text, q.now())
	if err != nil {
		return fmt.Errorf("root cause: %w", err)
	}
	return nil
}

// RootCauses returns the recorded root causes of an audit's deviations, by
// control ID.
func (q *Queries) RootCauses(ctx context.Context, orgID, auditID int64) (map[int64]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT control_id, root_cause FROM audit_results WHERE org_id = $1 AND audit_id = $2`, orgID, auditID)
	if err != nil {
		return nil, fmt.Errorf("root causes: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		out[id] = text
	}
	return out, rows.Err()
}

// SetItemCause records a member's root cause of one deviation item (key,
// attest.ResultDeviation.Key) of a control in an audit; empty text removes
// it.
func (q *Queries) SetItemCause(ctx context.Context, orgID, auditID, controlID int64, key, text string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM audit_item_causes WHERE org_id = $1 AND audit_id = $2 AND control_id = $3 AND item_key = $4`,
		orgID, auditID, controlID, key); err != nil {
		return fmt.Errorf("item root cause: %w", err)
	}
	if text == "" {
		return nil
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO audit_item_causes (org_id, audit_id, control_id, item_key, root_cause, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		orgID, auditID, controlID, key, text, q.now())
	if err != nil {
		return fmt.Errorf("item root cause: %w", err)
	}
	return nil
}

// ItemCauses returns the recorded root causes of an audit's deviation
// items, by control ID and item key.
func (q *Queries) ItemCauses(ctx context.Context, orgID, auditID int64) (map[int64]map[string]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT control_id, item_key, root_cause FROM audit_item_causes WHERE org_id = $1 AND audit_id = $2`, orgID, auditID)
	if err != nil {
		return nil, fmt.Errorf("item root causes: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var key, text string
		if err := rows.Scan(&id, &key, &text); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][key] = text
	}
	return out, rows.Err()
}

// MaxAuditResultChanges bounds the monitoring history an audit's results
// read: the newest changes before the window's end.
const MaxAuditResultChanges = 20000

// ControlResultChanges returns the history of the organization's
// monitoring results before until, newest first, each under the control
// references its test version supports. It reads at most
// MaxAuditResultChanges rows and reports cut when older ones were left out,
// so that a verdict judged on a partial history says so.
func (q *Queries) ControlResultChanges(ctx context.Context, orgID int64, until time.Time) (history map[string][]attest.ResultChange, cut bool, err error) {
	rows, err := q.q.QueryContext(ctx, `SELECT v.control_ref, h.id, h.test_id, h.resource_type, h.resource_key, h.from_status, h.to_status, h.message,
h.test_version, c.uid, h.at FROM result_changes h JOIN collections c ON c.id = h.collection_id
JOIN test_version_controls v ON v.org_id = h.org_id AND v.version = h.test_version
WHERE h.org_id = $1 AND h.at < $2 ORDER BY h.id DESC LIMIT $3`, orgID, stamp(until), MaxAuditResultChanges+1)
	if err != nil {
		return nil, false, fmt.Errorf("control result history: %w", err)
	}
	defer rows.Close()
	out := map[string][]attest.ResultChange{}
	n := 0
	for rows.Next() {
		if n++; n > MaxAuditResultChanges {
			return out, true, rows.Err()
		}
		var ref string
		var h attest.ResultChange
		if err := rows.Scan(&ref, &h.ID, &h.Test, &h.Resource.Type, &h.Resource.Key, &h.From, &h.To, &h.Message, &h.TestVersion,
			&h.Collection, &h.At); err != nil {
			return nil, false, err
		}
		h.At = stamp(h.At)
		out[ref] = append(out[ref], h)
	}
	return out, false, rows.Err()
}
