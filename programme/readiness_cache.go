package programme

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
)

// Readiness derives assessments as AssessFramework does and keeps them, so
// that the dashboard, the controls pages and the readiness API do not derive
// the whole programme again on every request. A kept assessment is served
// while the organization's revision (store.OrgRevision, bumped by every
// change to its records, on whichever node) is the one read before it was
// derived, and until the first moment it could change with time alone
// (assessFramework). It is exactly what AssessFramework would derive: a
// test compares them after random changes and clock moves.
//
// Callers must not modify what it returns: the slices are shared.
type Readiness struct {
	DB      *store.DB
	Catalog *catalog.Catalog

	kept store.Kept[string, Assessment] // by framework
}

// Stats counts the assessments served from the cache and those derived.
func (r *Readiness) Stats() (hits, misses int64) { return r.kept.Stats() }

// Assess is the organization's SOC 2 readiness.
func (r *Readiness) Assess(ctx context.Context, orgID int64) (Assessment, error) {
	return r.AssessFramework(ctx, orgID, Framework)
}

// AssessFramework is AssessFramework's result for built-in framework id (""
// is SOC 2), from the cache when it is still right.
func (r *Readiness) AssessFramework(ctx context.Context, orgID int64, id string) (Assessment, error) {
	if id == "" {
		id = Framework
	}
	return r.assessAt(ctx, orgID, id, r.DB.Now())
}

// assessAt is AssessFramework at now.
func (r *Readiness) assessAt(ctx context.Context, orgID int64, id string, now time.Time) (Assessment, error) {
	q := &r.DB.Queries
	return r.kept.Get(ctx, q, orgID, id, now, func() (Assessment, time.Time, error) {
		return assessFramework(ctx, q, r.Catalog, orgID, id, now)
	})
}

// RecordReportDays records, for every organization with an audit not yet
// closed that reports on today (a Type 1 as of it, a Type 2 whose window
// ends on it), its readiness for the audit's framework now, replacing the
// day's earlier recording; it reports how many it recorded. Run through the
// day (the server's hourly upkeep), the day's last recording is the
// readiness its audit packages report, whenever they are exported.
func (r *Readiness) RecordReportDays(ctx context.Context) (int, error) {
	q := &r.DB.Queries
	day := q.Now().UTC().Format(attest.DateLayout)
	due, err := q.ReportingOn(ctx, day)
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, d := range due {
		// Each organization is derived, and its recording stamped, at the
		// moment it is reached; once the day has ended, what is derived is
		// no longer that day's readiness.
		at := q.Now().UTC()
		if at.Format(attest.DateLayout) != day {
			break
		}
		a, err := r.assessAt(ctx, d.OrgID, d.Framework, at)
		if err == nil {
			var res []byte
			if res, err = json.Marshal(a.Result); err == nil {
				err = q.SaveReadinessRecord(ctx, d.OrgID, a.Framework.ID, day, at, res)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("readiness of organization %d for %s on %s: %w", d.OrgID, d.Framework, day, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// ReadinessOn returns the organization's readiness for a framework as last
// recorded on day, and when it was recorded; ok is false when none was.
func ReadinessOn(ctx context.Context, q *store.Queries, orgID int64, framework, day string) (res readiness.Result, at time.Time, ok bool, err error) {
	at, raw, err := q.ReadinessRecord(ctx, orgID, framework, day)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return res, at, false, nil
	}
	if err != nil {
		return res, at, false, err
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return res, at, false, fmt.Errorf("readiness recorded on %s: %w", day, err)
	}
	return res, at, true, nil
}
