package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
)

// Replayed is a verdict derived again from its snapshot and test version.
type Replayed struct {
	Result     attest.TestResult    `json:"result"`
	Collection attest.CollectionRun `json:"collection"`
	Verdict    engine.Verdict       `json:"verdict"`
	Same       bool                 `json:"same"` // the stored verdict is the one re-derived
}

// Replay re-evaluates the test version a result was made with on the snapshot
// it was judged on, at the collection's time, and compares the verdicts. The
// snapshot is re-hashed as it is read, so a changed file fails the replay.
func (s *Service) Replay(ctx context.Context, p attest.Principal, resultID int64) (Replayed, error) {
	r, err := s.Result(ctx, p, resultID)
	if err != nil {
		return Replayed{}, err
	}
	c, err := s.DB.Collection(ctx, p.OrgID, r.CollectionID)
	if err != nil {
		return Replayed{}, err
	}
	snap, err := s.snapshot(ctx, c)
	if err != nil {
		return Replayed{}, err
	}
	_, def, err := s.DB.TestVersion(ctx, p.OrgID, r.TestVersion)
	if err != nil {
		return Replayed{}, err
	}
	var d engine.Definition
	if err := json.Unmarshal(def, &d); err != nil {
		return Replayed{}, fmt.Errorf("test version %s: %w", r.TestVersion, err)
	}
	v, err := ReplayVerdict(snap, d, r.TestVersion, r.Resource, c.StartedAt)
	if err != nil {
		return Replayed{}, err
	}
	return Replayed{Result: r, Collection: c, Verdict: v, Same: v.Status == r.Status && v.Message == r.Message}, nil
}

// snapshot reads a collection's snapshot file from the blob store.
func (s *Service) snapshot(ctx context.Context, c attest.CollectionRun) (Snapshot, error) {
	if c.SnapshotSHA256 == "" {
		return Snapshot{}, fmt.Errorf("collection %s kept no snapshot", c.UID)
	}
	rc, _, err := s.Blobs.Open(ctx, c.SnapshotSHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return Snapshot{}, fmt.Errorf("collection %s: %w", c.UID, ErrNoSnapshot)
	}
	if err != nil {
		return Snapshot{}, err
	}
	defer rc.Close()
	return ReadSnapshot(rc, c.SnapshotSHA256)
}

// ReplayVerdict evaluates a test version on one resource of a snapshot at a
// time, without Attest's database: what `attest test replay` does with an
// export bundle too. The definition must hash to version.
func ReplayVerdict(snap Snapshot, d engine.Definition, version string, ref attest.ResourceRef, at time.Time) (engine.Verdict, error) {
	t, err := engine.Compile(d, engine.Options{})
	if err != nil {
		return engine.Verdict{}, fmt.Errorf("test version %s no longer compiles: %w", version, err)
	}
	if t.Version != version {
		return engine.Verdict{}, fmt.Errorf("the definition of %s hashes to %s, not the version %s the result names", d.ID, t.Version, version)
	}
	// The result may be an error for a type that could not be collected:
	// evaluating the collection yields it the same way.
	for _, r := range engine.EvaluateCollection([]*engine.Test{t}, snap.Collection(), engine.Env{Now: at}) {
		if r.Resource == ref {
			return r.Verdict, nil
		}
	}
	if reason := snap.Failed[ref.Type]; reason != "" {
		return engine.Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s: %s could not be collected: %s", ref.Key, ref.Type, reason)}, nil
	}
	return engine.Verdict{}, fmt.Errorf("resource %s %s is not in the snapshot", ref.Type, ref.Key)
}

// LatestSnapshot returns the newest complete collection of a connection (not
// a webhook's partial one) that kept its snapshot, and the snapshot: what
// the connection's system looked like when last seen whole. ENOTFOUND when
// there is none yet.
func (s *Service) LatestSnapshot(ctx context.Context, orgID, connectionID int64) (Snapshot, attest.CollectionRun, error) {
	c, err := s.LatestComplete(ctx, orgID, connectionID)
	if err != nil {
		return Snapshot{}, c, err
	}
	snap, err := s.snapshot(ctx, c)
	return snap, c, err
}

// LatestComplete is the collection LatestSnapshot reads, without reading its
// snapshot: for a caller that keeps what it took from a snapshot by its
// SHA-256.
func (s *Service) LatestComplete(ctx context.Context, orgID, connectionID int64) (attest.CollectionRun, error) {
	c, err := s.DB.LatestCompleteCollection(ctx, orgID, connectionID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return c, attest.Errorf(attest.ENOTFOUND, "connection %d has no complete collection yet", connectionID)
	}
	return c, err
}

// Snapshot reads a collection's snapshot.
func (s *Service) Snapshot(ctx context.Context, c attest.CollectionRun) (Snapshot, error) {
	return s.snapshot(ctx, c)
}

// LatestCollections returns the latest complete collection of each of the
// organization's connections of connector type ("" for every type), for p
// who reads them (an audit population of vulnerabilities): each
// connection's resources, or a note saying why it has none. Other types'
// snapshots (an AWS account's can hold 100,000 resources) are not read.
func (s *Service) LatestCollections(ctx context.Context, p attest.Principal, connector string) ([]attest.LatestCollection, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	conns, err := s.DB.Connections(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]attest.LatestCollection, 0, len(conns))
	for _, c := range conns {
		if connector != "" && c.Type != connector {
			continue
		}
		col := attest.LatestCollection{Connection: c.Name}
		snap, run, err := s.LatestSnapshot(ctx, p.OrgID, c.ID)
		switch {
		case attest.ErrorCode(err) == attest.ENOTFOUND:
			col.Note = "no complete collection yet"
		case err != nil:
			return nil, fmt.Errorf("connection %s: %w", c.Name, err)
		default:
			col.CollectedAt, col.Resources = run.FinishedAt, snap.Resources
		}
		out = append(out, col)
	}
	return out, nil
}

// CaptureConnections returns what a configuration capture reads of each of
// the organization's connections (attest.CaptureConnection): its newest and
// newest complete collections, its current results as of now (a failing one
// with the exception active now, if any), the collections they were judged
// on and the title and controls of each test.
func (s *Service) CaptureConnections(ctx context.Context, p attest.Principal) ([]attest.CaptureConnection, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	conns, err := s.DB.Connections(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	tests, err := s.Tests(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]attest.CaptureTest, len(tests))
	for _, t := range tests {
		byID[t.ID] = attest.CaptureTest{Title: t.Title, Controls: t.Controls}
	}
	out := make([]attest.CaptureConnection, 0, len(conns))
	for _, c := range conns {
		cc := attest.CaptureConnection{Connection: c, Collections: map[string]attest.CollectionRun{}, Tests: byID}
		newest, err := s.DB.Collections(ctx, p.OrgID, c.ID, 1)
		if err != nil {
			return nil, fmt.Errorf("connection %s: %w", c.Name, err)
		}
		if len(newest) > 0 {
			cc.Latest = newest[0]
		}
		switch run, err := s.LatestComplete(ctx, p.OrgID, c.ID); {
		case attest.ErrorCode(err) == attest.ENOTFOUND:
		case err != nil:
			return nil, fmt.Errorf("connection %s: %w", c.Name, err)
		default:
			cc.Complete = run
		}
		if cc.Results, err = s.results(ctx, p.OrgID, store.ResultFilter{ConnectionID: c.ID}, s.now()); err != nil {
			return nil, fmt.Errorf("connection %s: results: %w", c.Name, err)
		}
		byRow := map[int64]attest.CollectionRun{}
		for _, r := range cc.Results {
			run, ok := byRow[r.CollectionID]
			if !ok {
				if run, err = s.DB.Collection(ctx, p.OrgID, r.CollectionID); err != nil {
					return nil, fmt.Errorf("connection %s: the collection of result %d: %w", c.Name, r.ID, err)
				}
				byRow[r.CollectionID] = run
			}
			cc.Collections[run.UID] = run
		}
		out = append(out, cc)
	}
	return out, nil
}
