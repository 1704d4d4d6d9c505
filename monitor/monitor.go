// Package monitor is continuous monitoring as a service: it runs a
// connection's collection, keeps the snapshot (a blob, committed to by a
// ledger record), judges every resource with the organization's tests, and
// stores the verdicts as current state plus a history of changes, so storage
// grows with changes, not with runs × resources. It also answers what the
// doors show: results, history, exceptions and replays.
//
// Data flows one way: connector → snapshot → test → result → control status
// (programme.WithTests) → readiness.
package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
)

// Connections is what the service needs of the connection service: a
// connection with its decrypted credential, and a note that it was collected.
type Connections interface {
	Open(ctx context.Context, orgID, id int64) (attest.Connection, []byte, error)
	MarkCollected(ctx context.Context, orgID, id int64, at time.Time) error
}

// Service runs collections and answers questions about their results.
type Service struct {
	DB          *store.DB
	Blobs       blob.Store
	Ledger      *chain.Chain
	Connections Connections
	Connectors  connector.Registry
	// Builtin are the tests Attest ships (catalog/tests), compiled once.
	Builtin []*engine.Test
	// ResourceTypes are the types the installed connectors collect: an
	// organization's own test must read one of them.
	ResourceTypes []string
	Now           func() time.Time
	Log           *slog.Logger
	// Collected, when set, is told of each collection Run finishes: the
	// connector type, when, and whether it failed (the connector failed as
	// a whole, or the collection could not be stored). A cancelled one is
	// not told: its job runs it again. The process's metrics count them.
	Collected func(connector string, at time.Time, failed bool)

	// states remembers the results this process wrote last, per connection,
	// so a steady run compares with memory instead of reading them back.
	states stateCache
	// counts keeps the results' tallies per organization (Summaries).
	counts store.Kept[struct{}, map[string]store.TestTally]
	// accounts keeps the accounts each connection's latest snapshot held
	// (Accounts).
	accounts Derived[[]attest.Account]
	// pages keeps pages of results per organization and filter (Results).
	pages store.Kept[store.ResultFilter, []attest.TestResult]
}

// LoadBuiltin compiles the shipped tests.
func LoadBuiltin() ([]*engine.Test, error) {
	return engine.LoadFS(catalog.TestFiles, engine.Options{})
}

// MustLoadBuiltin compiles the shipped tests or panics: they are embedded in
// the binary, and catalog's tests compile every one of them, so a failure
// here is a build that should not have shipped (as with template.Must).
//
// They are compiled once per process and shared: compiled tests are safe for
// concurrent use, and tests and the demo build many services. Each caller gets
// its own slice.
func MustLoadBuiltin() []*engine.Test {
	tests, err := builtin()
	if err != nil {
		panic("monitor: the shipped tests do not compile: " + err.Error())
	}
	return slices.Clone(tests)
}

var builtin = sync.OnceValues(LoadBuiltin)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Report is what one run did.
type Report struct {
	Collection attest.CollectionRun `json:"collection"`
	Results    []engine.Result      `json:"results"`
	Changes    int                  `json:"changes"` // verdicts that changed status
}

// RunNow collects and tests one connection now, for a person ("Run now", the
// CLI): it needs edit rights and leaves an activity entry.
func (s *Service) RunNow(ctx context.Context, p attest.Principal, connectionID int64, only []attest.ResourceRef) (Report, error) {
	if !p.Can(attest.ActEdit) {
		return Report{}, attest.Errorf(attest.EFORBIDDEN, "only an admin or manager runs monitoring")
	}
	rep, err := s.Run(ctx, p.OrgID, connectionID, only)
	if err != nil {
		return rep, err
	}
	c := rep.Collection
	err = s.DB.Log(ctx, p.Record("monitor.run", "collection", c.UID, fmt.Sprintf("Ran %s now: %d resources, %d results, %d changed",
		c.ConnectionName, c.Resources, len(rep.Results), rep.Changes)))
	return rep, err
}

// RunQueued records in the activity log that a person queued a collection of
// a connection ("Run now" with a job worker); the job itself runs as the
// system.
func (s *Service) RunQueued(ctx context.Context, p attest.Principal, conn attest.Connection, job int64) error {
	if !p.Can(attest.ActEdit) || p.OrgID != conn.OrgID {
		return attest.Errorf(attest.EFORBIDDEN, "only an admin or manager runs monitoring")
	}
	return s.DB.Log(ctx, p.Record("monitor.run_queued", "connection", fmt.Sprint(conn.ID),
		fmt.Sprintf("Queued a collection of %s now (job %d)", conn.Name, job)))
}

// Run collects one connection (only the listed resources when only is not
// empty: a webhook named them), stores the snapshot, evaluates the
// organization's tests and records the verdicts. Jobs call it for schedules,
// "Run now" and webhooks. A failed collection is recorded too: its tests
// report error for what could not be seen, never fail.
func (s *Service) Run(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) (rep Report, err error) {
	org, err := s.DB.OrgByID(ctx, orgID)
	if err != nil {
		return Report{}, err
	}
	conn, secret, err := s.Connections.Open(ctx, orgID, connectionID)
	if err != nil {
		return Report{}, err
	}
	defer clear(secret)
	connector, err := s.Connectors.Get(conn.Type)
	if err != nil {
		return Report{}, fmt.Errorf("connection %s: %w", conn.Name, err)
	}
	if s.Collected != nil {
		defer func() {
			if err == nil || ctx.Err() == nil {
				s.Collected(conn.Type, s.now(), err != nil || rep.Collection.Error != "")
			}
		}()
	}
	spec := connector.Spec()
	tests, err := s.Tests(ctx, orgID)
	if err != nil {
		return Report{}, err
	}
	tests = ofTypes(tests, spec.ResourceTypes)

	run := attest.CollectionRun{OrgID: orgID, UID: attest.NewUID("col_"), ConnectionID: conn.ID, ConnectionName: conn.Name,
		Connector: conn.Type, StartedAt: s.now(), Partial: len(only) > 0}
	col, cerr := connector.Collect(ctx, attest.CollectRequest{Settings: conn.Settings, Secret: secret, Only: only, Now: run.StartedAt})
	run.FinishedAt = s.now()
	if cerr != nil {
		if ctx.Err() != nil {
			return Report{}, cerr // cancelled: nothing was seen, nothing is recorded
		}
		// The whole collection failed: every type it would have collected
		// is unknown, and says why.
		run.Error = cerr.Error()
		col = attest.Collection{Calls: col.Calls, Failed: map[string]string{}}
		for _, t := range spec.ResourceTypes {
			col.Failed[t] = cerr.Error()
		}
	}
	run.Calls, run.Failed, run.Warnings = col.Calls, col.Failed, col.Warnings

	snap := Snapshot{Connector: conn.Type, Resources: col.Resources, Failed: col.Failed}
	// Tests judge the snapshot as stored, not the connector's values, so a
	// replay from the file sees exactly what the original evaluation saw.
	data, sha, snap, err := snap.Stored()
	if err != nil {
		return Report{}, err
	}
	if _, _, err := s.Blobs.Put(ctx, bytes.NewReader(data), sha, 0); err != nil {
		return Report{}, fmt.Errorf("storing the snapshot of %s: %w", conn.Name, err)
	}
	run.SnapshotSHA256, run.SnapshotSize, run.Resources = sha, int64(len(data)), len(snap.Resources)

	results := engine.EvaluateCollection(tests, snap.Collection(), engine.Env{Now: run.StartedAt})
	rep = Report{Collection: run, Results: results}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := s.appendSnapshot(ctx, tx, org, &rep.Collection); err != nil {
			return err
		}
		if err := s.saveVersions(ctx, tx, org, tests); err != nil {
			return err
		}
		n, err := s.applyResults(ctx, tx, rep.Collection, results, only, snap.Failed)
		rep.Changes = n
		return err
	})
	if err != nil {
		return rep, err
	}
	if err := s.Connections.MarkCollected(ctx, orgID, conn.ID, run.StartedAt); err != nil {
		s.log().Error("monitor: the collection is stored, but the connection was not marked collected", "connection", conn.Name, "err", err)
	}
	return rep, nil
}

// appendSnapshot stores the collection row and its snapshot record, and
// appends the record to the ledger.
func (s *Service) appendSnapshot(ctx context.Context, tx *store.Queries, org attest.Organization, c *attest.CollectionRun) error {
	if err := tx.AddCollection(ctx, c); err != nil {
		return err
	}
	failed := c.Failed
	if failed == nil {
		failed = map[string]string{}
	}
	rec := map[string]any{
		"type": ledger.RecordTypeSnapshot, "org": org.Slug, "uid": c.UID, "connection": c.ConnectionName, "connector": c.Connector,
		"started_at": ledger.FormatTime(c.StartedAt), "finished_at": ledger.FormatTime(c.FinishedAt), "partial": c.Partial,
		"resources": c.Resources, "calls": c.Calls, "failed": failed, "sha256": c.SnapshotSHA256, "size": c.SnapshotSize,
	}
	return s.record(ctx, tx, org, ledger.RecordTypeSnapshot, c.UID, rec)
}

// saveVersions records each test version the first time the organization
// uses it.
func (s *Service) saveVersions(ctx context.Context, tx *store.Queries, org attest.Organization, tests []*engine.Test) error {
	for _, t := range tests {
		def, err := definitionJSON(t.Definition)
		if err != nil {
			return err
		}
		isNew, err := tx.SaveTestVersion(ctx, org.ID, t.Version, t.ID, def, t.Controls)
		if err != nil || !isNew {
			return err
		}
		rec := map[string]any{"type": ledger.RecordTypeTestVersion, "org": org.Slug, "id": t.Version, "test": t.ID, "definition": t.Definition}
		if err := s.record(ctx, tx, org, ledger.RecordTypeTestVersion, t.Version, rec); err != nil {
			return err
		}
	}
	return nil
}

// record stores a non-evidence record and appends its entry, through the
// one ledger path.
func (s *Service) record(ctx context.Context, tx *store.Queries, org attest.Organization, typ, id string, rec any) error {
	return s.Ledger.AppendRecord(ctx, tx, org, typ, id, rec)
}

// ofTypes keeps the tests of the given resource types.
func ofTypes(tests []*engine.Test, types []string) []*engine.Test {
	var out []*engine.Test
	for _, t := range tests {
		if slices.Contains(types, t.ResourceType) {
			out = append(out, t)
		}
	}
	return out
}

func lessKey(a, b resultKey) bool {
	if a.test != b.test {
		return a.test < b.test
	}
	if a.typ != b.typ {
		return a.typ < b.typ
	}
	return a.key < b.key
}

// summarize counts each test's verdicts in one run.
func summarize(results []engine.Result, at time.Time) []attest.TestRun {
	byTest := map[string]*attest.TestRun{}
	var order []string
	for _, r := range results {
		t := byTest[r.Test]
		if t == nil {
			t = &attest.TestRun{Test: r.Test, TestVersion: r.TestVersion, At: at}
			byTest[r.Test] = t
			order = append(order, r.Test)
		}
		t.Count(r.Status)
	}
	sort.Strings(order)
	out := make([]attest.TestRun, 0, len(order))
	for _, id := range order {
		out = append(out, *byTest[id])
	}
	return out
}

// ErrNoSnapshot is returned when a result's snapshot file is missing.
var ErrNoSnapshot = errors.New("the snapshot file is missing from the blob store")
