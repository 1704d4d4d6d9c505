package programme

import (
	"context"
	"time"

	"github.com/attest-hq/attest/catalog"
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
	q := &r.DB.Queries
	now := q.Now()
	return r.kept.Get(ctx, q, orgID, id, now, func() (Assessment, time.Time, error) {
		return assessFramework(ctx, q, r.Catalog, orgID, id, now)
	})
}
