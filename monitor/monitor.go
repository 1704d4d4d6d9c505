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
}

// LoadBuiltin compiles the shipped tests.
func LoadBuiltin() ([]*engine.Test, error) {
	return engine.LoadFS(catalog.TestFiles, engine.Options{})
}

// MustLoadBuiltin compiles the shipped tests or panics: they are embedded in
// the binary, and catalog's tests compile every one of them, so a failure
// here is a build that should not have shipped (as with template.Must).
func MustLoadBuiltin() []*engine.Test {
	tests, err := LoadBuiltin()
	if err != nil {
		panic("monitor: the shipped tests do not compile: " + err.Error())
	}
	return tests
}

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
func (s *Service) Run(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) (Report, error) {
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
	data, sha, err := snap.Encode()
	if err != nil {
		return Report{}, err
	}
	// Tests judge the snapshot as stored, not the connector's values, so a
	// replay from the file sees exactly what the original evaluation saw.
	snap, err = ReadSnapshot(bytes.NewReader(data), sha)
	if err != nil {
		return Report{}, err
	}
	if _, _, err := s.Blobs.Put(ctx, bytes.NewReader(data), sha, 0); err != nil {
		return Report{}, fmt.Errorf("storing the snapshot of %s: %w", conn.Name, err)
	}
	run.SnapshotSHA256, run.SnapshotSize, run.Resources = sha, int64(len(data)), len(snap.Resources)

	results := engine.EvaluateCollection(tests, snap.Collection(), engine.Env{Now: run.StartedAt})
	rep := Report{Collection: run, Results: results}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := s.appendSnapshot(ctx, tx, org, &rep.Collection); err != nil {
			return err
		}
		if err := s.saveVersions(ctx, tx, org, tests); err != nil {
			return err
		}
		n, err := applyResults(ctx, tx, rep.Collection, results, only, snap.Failed)
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

// resultKey names a result within a connection.
type resultKey struct{ test, typ, key string }

// applyResults turns a run's verdicts into the stored current state and its
// history: a new verdict is inserted, a changed status updates the row and
// adds a change, a changed message or version updates the row only, and a
// result whose resource (or test) is gone is removed with a "removed" change.
// A partial run touches only the resources it names. Results of a resource
// type the collection could not see become errors (their resources are not
// known to be gone). It returns how many statuses changed.
func applyResults(ctx context.Context, tx *store.Queries, c attest.CollectionRun, results []engine.Result, only []attest.ResourceRef, failed map[string]string) (int, error) {
	prevList, err := tx.ResultStates(ctx, c.OrgID, c.ConnectionID)
	if err != nil {
		return 0, err
	}
	var named map[attest.ResourceRef]bool
	if len(only) > 0 {
		named = make(map[attest.ResourceRef]bool, len(only))
		for _, r := range only {
			named[r] = true
		}
	}
	inRun := func(r attest.ResourceRef) bool { return named == nil || named[r] }
	prev := make(map[resultKey]store.ResultState, len(prevList))
	for _, r := range prevList {
		if inRun(r.Resource) || failed[r.Resource.Type] != "" {
			prev[resultKey{r.Test, r.Resource.Type, r.Resource.Key}] = r
		}
	}
	next := make(map[resultKey]engine.Result, len(results))
	versions := map[string]string{} // test → version in this run
	for _, r := range results {
		next[resultKey{r.Test, r.Resource.Type, r.Resource.Key}] = r
		versions[r.Test] = r.TestVersion
	}
	// A type that could not be collected: what was known becomes an error,
	// and the placeholder "*" result is only kept when nothing was known.
	for k, p := range prev {
		reason := failed[k.typ]
		if reason == "" {
			continue
		}
		if _, ok := next[k]; !ok {
			v := versions[k.test]
			if v == "" {
				v = p.TestVersion
			}
			next[k] = engine.Result{Test: k.test, TestVersion: v, Resource: p.Resource,
				Verdict: engine.Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s: %s could not be collected: %s", p.Resource.Key, k.typ, reason)}}
		}
		delete(next, resultKey{k.test, k.typ, "*"})
	}

	keys := make([]resultKey, 0, len(next))
	for k := range next {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	at := c.StartedAt
	// New verdicts and history rows are written in batches; a changed
	// verdict is one UPDATE (few per run in a steady organization).
	var inserts []attest.TestResult
	var changes []attest.ResultChange
	change := func(test string, res attest.ResourceRef, from, to attest.ResultStatus, msg, version string) {
		changes = append(changes, attest.ResultChange{Test: test, Resource: res, From: from, To: to, Message: msg, TestVersion: version, At: at})
	}
	for _, k := range keys {
		n := next[k]
		row := attest.TestResult{OrgID: c.OrgID, ConnectionID: c.ConnectionID, Test: n.Test, TestVersion: n.TestVersion,
			Resource: n.Resource, Status: n.Status, Message: n.Message, Observed: n.Observed, Expected: n.Expected,
			CollectionID: c.ID, Since: at, CheckedAt: at}
		p, had := prev[k]
		switch {
		case !had:
			inserts = append(inserts, row)
			change(n.Test, n.Resource, "", n.Status, n.Message, n.TestVersion)
		case p.Status != n.Status:
			row.ID = p.ID
			if err := tx.UpdateResult(ctx, row); err != nil {
				return 0, err
			}
			change(n.Test, n.Resource, p.Status, n.Status, n.Message, n.TestVersion)
		case p.Message != n.Message || p.TestVersion != n.TestVersion || p.Expected != n.Expected || !sameObserved(p.Observed, n.Observed):
			row.ID, row.Since = p.ID, p.Since
			if err := tx.UpdateResult(ctx, row); err != nil {
				return 0, err
			}
		}
	}
	if err := tx.InsertResults(ctx, c.OrgID, inserts); err != nil {
		return 0, err
	}
	var gone []store.ResultState
	for k, p := range prev {
		if _, ok := next[k]; !ok {
			gone = append(gone, p)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].ID < gone[j].ID })
	for _, p := range gone {
		if err := tx.DeleteResult(ctx, c.OrgID, p.ID); err != nil {
			return 0, err
		}
		change(p.Test, p.Resource, p.Status, attest.ResultRemoved, p.Resource.Key+" is no longer collected", p.TestVersion)
	}
	if err := tx.AddResultChanges(ctx, c.OrgID, c.ConnectionID, c.ID, changes); err != nil {
		return 0, err
	}
	var touch []attest.ResourceRef
	if len(only) > 0 {
		touch = only
	}
	if err := tx.TouchResults(ctx, c.OrgID, c.ConnectionID, c.ID, at, touch); err != nil {
		return 0, err
	}
	if len(only) > 0 {
		return len(changes), nil // the history chart counts whole runs only
	}
	for _, r := range summarize(results, at) {
		if err := tx.AddTestRun(ctx, c.OrgID, c.ID, r); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// sameObserved reports whether a stored observed value (JSON) is the new
// one: compared as stored, so that an unchanged value costs no decoding.
func sameObserved(stored string, v any) bool {
	j, err := store.ObservedJSON(v)
	return err == nil && j == stored
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
