package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
)

// Tests returns the organization's tests: the shipped ones and its own.
func (s *Service) Tests(ctx context.Context, orgID int64) ([]*engine.Test, error) {
	own, err := s.DB.CustomTests(ctx, orgID)
	if err != nil {
		return nil, err
	}
	tests := append([]*engine.Test(nil), s.Builtin...)
	for _, c := range own {
		t, err := compileCustom([]byte(c.Source), c.ID, s.ResourceTypes)
		if err != nil {
			// Saved tests were valid when saved; a newer Attest may refuse
			// one. Skip it loudly rather than stop every other test.
			s.log().Error("monitor: an organization's own test no longer compiles", "org", orgID, "test", c.ID, "err", err)
			continue
		}
		tests = append(tests, t)
	}
	sort.Slice(tests, func(i, j int) bool { return tests[i].ID < tests[j].ID })
	return tests, nil
}

// compileCustom parses one test as written and compiles it.
func compileCustom(source []byte, name string, types []string) (*engine.Test, error) {
	defs, err := engine.Parse(source, name)
	if err != nil {
		return nil, err
	}
	if len(defs) != 1 {
		return nil, attest.Invalid("source", "must define exactly one test (found %d)", len(defs))
	}
	return engine.Compile(defs[0], engine.Options{ResourceTypes: types})
}

// TestSummary is one test with the counts of its current results.
type TestSummary struct {
	engine.Definition
	Version      string         `json:"version"`
	Custom       bool           `json:"custom"`
	Counts       map[string]int `json:"counts"` // by status, and "excepted" for failing results under an exception
	LastRun      time.Time      `json:"last_run,omitzero"`
	FailingSince time.Time      `json:"failing_since,omitzero"` // the oldest current failure
}

// Failing is the number of failing results not under an exception.
func (t TestSummary) Failing() int { return t.Counts[string(attest.ResultFail)] - t.Counts["excepted"] }

func (s *Service) mayRead(p attest.Principal) error {
	if !p.Can(attest.ActRead) {
		return attest.Errorf(attest.EFORBIDDEN, "monitoring is visible to admins, managers and auditors")
	}
	return nil
}

func (s *Service) mayEdit(p attest.Principal) error {
	if !p.Can(attest.ActEdit) {
		return attest.Errorf(attest.EFORBIDDEN, "only an admin or manager changes monitoring")
	}
	return nil
}

// Summaries lists the organization's tests with the tallies of their current
// results (counts by status, the latest check, the oldest failure), the tests
// with failures first. The tallies are one aggregate, kept between requests
// (tallies): the dashboard and the control pages read it on every request.
// A test without results has empty counts.
func (s *Service) Summaries(ctx context.Context, p attest.Principal) ([]TestSummary, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	tests, err := s.Tests(ctx, p.OrgID)
	if err != nil {
		return nil, err
	}
	tallies, err := s.tallies(ctx, p.OrgID, s.now())
	if err != nil {
		return nil, err
	}
	out := make([]TestSummary, 0, len(tests))
	for _, t := range tests {
		tally := tallies[t.ID]        // a removed test's leftover results are not shown
		c := maps.Clone(tally.Counts) // the cache's maps are shared
		if c == nil {
			c = map[string]int{}
		}
		out = append(out, TestSummary{Definition: t.Definition, Version: t.Version, Custom: !s.builtin(t.ID), Counts: c,
			LastRun: tally.LastRun, FailingSince: tally.FailingSince})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Failing() > 0 && out[j].Failing() == 0 })
	return out, nil
}

// builtin reports whether a test ID is one of the shipped tests.
func (s *Service) builtin(id string) bool {
	for _, t := range s.Builtin {
		if t.ID == id {
			return true
		}
	}
	return false
}

// Test returns one of the organization's tests.
func (s *Service) Test(ctx context.Context, p attest.Principal, id string) (*engine.Test, bool, error) {
	if err := s.mayRead(p); err != nil {
		return nil, false, err
	}
	tests, err := s.Tests(ctx, p.OrgID)
	if err != nil {
		return nil, false, err
	}
	for _, t := range tests {
		if t.ID == id {
			return t, !s.builtin(id), nil
		}
	}
	return nil, false, attest.Errorf(attest.ENOTFOUND, "test %s not found", id)
}

// Results lists current results, each failing one with the exception that
// exempts it, if any. A page as the monitoring pages show it (f.Limit set, up
// to keptPageMax, by offset) is kept between requests (store.Kept) while the
// organization's records stay as they were and until the next active
// exception expires: the order the pages follow sorts every result the
// filter matches, tens of thousands for a large AWS account.
func (s *Service) Results(ctx context.Context, p attest.Principal, f store.ResultFilter) ([]attest.TestResult, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	now := s.now()
	// Only a page a person looks at is kept (the UI's fifty): a client
	// walking every result by cursor would otherwise keep them all.
	if f.Limit == 0 || f.Limit > keptPageMax || f.After != (store.ResultCursor{}) || !f.At.IsZero() {
		return s.results(ctx, p.OrgID, f, now)
	}
	q := &s.DB.Queries
	return s.pages.Get(ctx, q, p.OrgID, f, now, func() ([]attest.TestResult, time.Time, error) {
		list, err := s.results(ctx, p.OrgID, f, now)
		if err != nil {
			return nil, now, err
		}
		until, err := untilExceptionExpires(ctx, q, p.OrgID, now)
		return list, until, err
	})
}

// keptPageMax is the largest page of results Results keeps.
const keptPageMax = 100

// results reads the results f selects at now.
func (s *Service) results(ctx context.Context, orgID int64, f store.ResultFilter, now time.Time) ([]attest.TestResult, error) {
	if f.Unexcepted && f.At.IsZero() {
		f.At = now
	}
	list, err := s.DB.Results(ctx, orgID, f)
	if err != nil {
		return nil, err
	}
	ex, err := s.activeExceptions(ctx, orgID, now)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if e, ok := ex[exceptionKey(list[i].Test, list[i].Resource)]; ok && list[i].Status == attest.ResultFail {
			list[i].Exception = &e
		}
	}
	return list, nil
}

// Result returns one current result.
func (s *Service) Result(ctx context.Context, p attest.Principal, id int64) (attest.TestResult, error) {
	if err := s.mayRead(p); err != nil {
		return attest.TestResult{}, err
	}
	r, err := s.DB.Result(ctx, p.OrgID, id)
	if err != nil {
		return r, err
	}
	ex, err := s.activeExceptions(ctx, p.OrgID, s.now())
	if err != nil {
		return r, err
	}
	if e, ok := ex[exceptionKey(r.Test, r.Resource)]; ok && r.Status == attest.ResultFail {
		r.Exception = &e
	}
	return r, nil
}

// History returns the status changes of a test, of one resource when key is
// not "": since when has this repository failed this test?
func (s *Service) History(ctx context.Context, p attest.Principal, test, key string, limit int) ([]attest.ResultChange, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	return s.DB.ResultChanges(ctx, p.OrgID, test, key, limit)
}

// Runs returns the per-run counts of a test (all tests when test is "")
// since a time: the history chart.
func (s *Service) Runs(ctx context.Context, p attest.Principal, test string, since time.Time) ([]attest.TestRun, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	return s.DB.TestRuns(ctx, p.OrgID, test, since)
}

// Collections lists a connection's newest collections (all connections when
// connectionID is 0).
func (s *Service) Collections(ctx context.Context, p attest.Principal, connectionID int64, limit int) ([]attest.CollectionRun, error) {
	if err := s.mayRead(p); err != nil {
		return nil, err
	}
	return s.DB.Collections(ctx, p.OrgID, connectionID, limit)
}

// SaveTest validates and saves one of the organization's own tests, written
// as YAML (one test). It must compile, read a known resource type, stay
// within the cost bound, and not take the ID of a shipped test.
func (s *Service) SaveTest(ctx context.Context, p attest.Principal, source []byte) (*engine.Test, error) {
	if err := s.mayEdit(p); err != nil {
		return nil, err
	}
	if len(source) > 64<<10 {
		return nil, attest.Invalid("source", "must be at most 64 KiB")
	}
	t, err := compileCustom(source, "test", s.ResourceTypes)
	if err != nil {
		if attest.ErrorCode(err) == attest.EINTERNAL {
			return nil, attest.Invalid("source", "%s", err.Error())
		}
		return nil, err
	}
	if s.builtin(t.ID) {
		return nil, attest.Invalid("id", "%s is a shipped test; give your test its own ID", t.ID)
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveCustomTest(ctx, p.OrgID, t.ID, string(source), p.UserID); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("test.saved", "test", t.ID, fmt.Sprintf("Saved test %s (%s), version %s", t.ID, t.Title, t.Version)))
	})
	return t, err
}

// DeleteTest removes one of the organization's own tests. Its past verdicts
// stay in the history; its current results go at the next run.
func (s *Service) DeleteTest(ctx context.Context, p attest.Principal, id string) error {
	if err := s.mayEdit(p); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.DeleteCustomTest(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("test.deleted", "test", id, "Deleted test "+id))
	})
}

// definitionJSON is a definition's canonical JSON, as stored with its version.
func definitionJSON(d engine.Definition) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("test %s: %w", d.ID, err)
	}
	return b, nil
}
