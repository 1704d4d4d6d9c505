package store

import (
	"context"
	"fmt"

	"github.com/attest-hq/attest"
)

// PopulationFilter narrows a listing of recorded retrievals; zero values
// match everything.
type PopulationFilter struct {
	Kind  string
	Audit string
}

const populationColumns = `id, org_id, uid, kind, window_from, window_to, audit_ref, ran_at, row_count, population_hash, record_hash,
passed, deviations, not_testable, mismatches`

func scanPopulation(row interface{ Scan(...any) error }, r *attest.PopulationRetrieval) error {
	err := row.Scan(&r.ID, &r.OrgID, &r.UID, &r.Kind, &r.From, &r.To, &r.Audit, &r.RanAt, &r.Count, &r.Hash, &r.RecordHash,
		&r.Tally.Passed, &r.Tally.Deviations, &r.Tally.NotTestable, &r.Tally.Mismatches)
	r.RanAt = r.RanAt.UTC()
	return err
}

// CreatePopulation indexes a recorded retrieval whose ledger record (uid
// r.UID) is saved in the same transaction; takenBy is the user who took it,
// 0 for the command line.
func (q *Queries) CreatePopulation(ctx context.Context, r *attest.PopulationRetrieval, takenBy int64) error {
	err := q.q.QueryRowContext(ctx, `INSERT INTO populations (org_id, uid, kind, window_from, window_to, audit_ref, ran_at, taken_by,
row_count, population_hash, record_hash, passed, deviations, not_testable, mismatches)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		r.OrgID, r.UID, r.Kind, r.From, r.To, r.Audit, r.RanAt, nullID(takenBy), r.Count, r.Hash, r.RecordHash,
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
WHERE org_id = $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR audit_ref = $3) ORDER BY ran_at DESC, id DESC`, orgID, f.Kind, f.Audit)
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
