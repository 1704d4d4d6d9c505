package monitor

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
)

// resultKey names a result within a connection.
type resultKey struct{ test, typ, key string }

// state is what a run needs of a current result: whether a new verdict
// differs from it, and what to write when it does.
type state struct {
	id      int64 // 0 for a result this process inserted: looked up by key when it must be written
	status  attest.ResultStatus
	since   time.Time
	version string
	digest  uint64 // of the message, observed value, expected value and test version
	seen    int64  // the generation of the last run that judged it
}

// connStates is the current results of one connection as of generation gen
// (store.Queries.NextResultsGeneration).
type connStates struct {
	gen    int64
	states map[resultKey]*state
}

// stateCache keeps, per connection, the states this process wrote last. A
// run takes its connection's entry out while it works and puts the new one
// back only once its transaction has committed, so a failed run leaves
// nothing half-applied behind; and it uses the entry only when its
// generation is the one just before its own, that is, when no other run (of
// this process or another) wrote the connection's results since. For an
// organization of 100,000 resources the entry is about 200 MB; in exchange a
// steady run reads nothing back. The memory is bounded (maxRemembered).
type stateCache struct {
	mu    sync.Mutex
	m     map[[2]int64]*connStates
	limit int // verdicts remembered at most; 0: maxRemembered
}

// maxRemembered bounds the verdicts remembered across all connections (about
// 150 bytes each): past it, the other connections' memories are dropped and
// their next runs read from the database.
const maxRemembered = 4_000_000

func (c *stateCache) take(orgID, connID int64) *connStates {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := [2]int64{orgID, connID}
	s := c.m[k]
	delete(c.m, k)
	return s
}

func (c *stateCache) put(orgID, connID int64, s *connStates) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[2]int64]*connStates{}
	}
	limit := c.limit
	if limit == 0 {
		limit = maxRemembered
	}
	if len(s.states) > limit {
		return // too large to remember: its runs read from the database
	}
	total := len(s.states)
	for k, o := range c.m {
		if total+len(o.states) > limit {
			delete(c.m, k)
			continue
		}
		total += len(o.states)
	}
	c.m[[2]int64{orgID, connID}] = s
}

// digestSeed is this process's: digests are compared within the process
// only, never stored.
var digestSeed = maphash.MakeSeed()

func digest(message, observedJSON, expected, version string) uint64 {
	var h maphash.Hash
	h.SetSeed(digestSeed)
	for _, s := range []string{message, observedJSON, expected, version} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// applyResults turns a run's verdicts into the stored current state and its
// history: a new verdict is inserted, a changed status updates the row and
// adds a change, a changed message or version updates the row only, and a
// result whose resource (or test) is gone is removed with a "removed" change.
// A partial run touches only the resources it names. Results of a resource
// type the collection could not see become errors (their resources are not
// known to be gone). It returns how many statuses changed.
func (s *Service) applyResults(ctx context.Context, tx *store.Queries, c attest.CollectionRun, results []engine.Result, only []attest.ResourceRef, failed map[string]string) (int, error) {
	cached := s.states.take(c.OrgID, c.ConnectionID)
	gen, err := tx.NextResultsGeneration(ctx, c.OrgID, c.ConnectionID)
	if err != nil {
		return 0, err
	}
	var all map[resultKey]*state
	if cached != nil && cached.gen == gen-1 {
		all = cached.states
	} else {
		list, err := tx.ResultStates(ctx, c.OrgID, c.ConnectionID)
		if err != nil {
			return 0, err
		}
		all = make(map[resultKey]*state, len(list))
		for _, r := range list {
			all[resultKey{r.Test, r.Resource.Type, r.Resource.Key}] = &state{id: r.ID, status: r.Status, since: r.Since,
				version: r.TestVersion, digest: digest(r.Message, r.Observed, r.Expected, r.TestVersion)}
		}
	}
	var named map[attest.ResourceRef]bool
	if len(only) > 0 {
		named = make(map[attest.ResourceRef]bool, len(only))
		for _, r := range only {
			named[r] = true
		}
	}
	// A result is this run's to judge when the run collected its resource,
	// or when its type could not be collected at all.
	ours := func(k resultKey) bool {
		return named == nil || named[attest.ResourceRef{Type: k.typ, Key: k.key}] || failed[k.typ] != ""
	}

	// A type that could not be collected: what was known becomes an error,
	// and the placeholder "*" result is only kept when nothing was known.
	var known map[[2]string]bool
	if len(failed) > 0 {
		known = map[[2]string]bool{}
		versions := map[string]string{}
		for _, r := range results {
			versions[r.Test] = r.TestVersion
		}
		var errs []engine.Result
		inResults := map[resultKey]bool{}
		for _, r := range results {
			if failed[r.Resource.Type] != "" {
				inResults[resultKey{r.Test, r.Resource.Type, r.Resource.Key}] = true
			}
		}
		for k, p := range all {
			reason := failed[k.typ]
			if reason == "" {
				continue
			}
			if k.key != "*" { // a placeholder is not knowledge of a resource
				known[[2]string{k.test, k.typ}] = true
			}
			if inResults[k] {
				continue
			}
			v := versions[k.test]
			if v == "" {
				v = p.version
			}
			errs = append(errs, engine.Result{Test: k.test, TestVersion: v, Resource: attest.ResourceRef{Type: k.typ, Key: k.key},
				Verdict: engine.Verdict{Status: attest.ResultError, Message: fmt.Sprintf("%s: %s could not be collected: %s", k.key, k.typ, reason)}})
		}
		if len(errs) > 0 {
			results = append(append([]engine.Result{}, results...), errs...)
		}
	}

	at := c.StartedAt
	var (
		inserts []attest.TestResult
		changes []attest.ResultChange
		keys    []resultKey // of changes, in step with changes
		insKeys []resultKey
	)
	change := func(k resultKey, from, to attest.ResultStatus, msg, version string) {
		changes = append(changes, attest.ResultChange{Test: k.test, Resource: attest.ResourceRef{Type: k.typ, Key: k.key}, From: from, To: to,
			Message: msg, TestVersion: version, At: at})
		keys = append(keys, k)
	}
	// Results a run inserted are remembered without their IDs; the first one
	// a later run changes reads them all, in one query.
	idsRead := false
	idOf := func(k resultKey, p *state) (int64, error) {
		if p.id == 0 && !idsRead {
			idsRead = true
			rows, err := tx.ResultIDs(ctx, c.OrgID, c.ConnectionID)
			if err != nil {
				return 0, err
			}
			for _, r := range rows {
				if q := all[resultKey{r.Test, r.Resource.Type, r.Resource.Key}]; q != nil {
					q.id = r.ID
				}
			}
		}
		if p.id == 0 {
			return 0, attest.Errorf(attest.ENOTFOUND, "result not found: %s on %s %s", k.test, k.typ, k.key)
		}
		return p.id, nil
	}
	var updates []attest.TestResult
	ds, err := digests(results)
	if err != nil {
		return 0, err
	}
	for i, n := range results {
		k := resultKey{n.Test, n.Resource.Type, n.Resource.Key}
		if k.key == "*" && known[[2]string{k.test, k.typ}] {
			continue
		}
		d := ds[i]
		p, had := all[k]
		row := attest.TestResult{OrgID: c.OrgID, ConnectionID: c.ConnectionID, Test: n.Test, TestVersion: n.TestVersion,
			Resource: n.Resource, Status: n.Status, Message: n.Message, Observed: n.Observed, Expected: n.Expected,
			CollectionID: c.ID, Since: at, CheckedAt: at}
		switch {
		case !had:
			inserts = append(inserts, row)
			insKeys = append(insKeys, k)
			change(k, "", n.Status, n.Message, n.TestVersion)
			all[k] = &state{status: n.Status, since: at, version: n.TestVersion, digest: d, seen: gen}
			continue
		case p.status != n.Status:
			if row.ID, err = idOf(k, p); err != nil {
				return 0, err
			}
			updates = append(updates, row)
			change(k, p.status, n.Status, n.Message, n.TestVersion)
			p.status, p.since = n.Status, at
		case p.digest != d:
			if row.ID, err = idOf(k, p); err != nil {
				return 0, err
			}
			row.Since = p.since
			updates = append(updates, row)
		}
		p.version, p.digest, p.seen = n.TestVersion, d, gen
	}
	sortBy(inserts, insKeys)
	sortBy(changes, keys)
	if err := tx.InsertResults(ctx, c.OrgID, inserts); err != nil {
		return 0, err
	}
	if err := tx.UpdateResults(ctx, c.OrgID, updates); err != nil {
		return 0, err
	}

	// Gone: this run's to judge, and not judged.
	var gone []resultKey
	for k, p := range all {
		if p.seen != gen && ours(k) {
			gone = append(gone, k)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return lessKey(gone[i], gone[j]) })
	removed := make([]int64, 0, len(gone))
	for _, k := range gone {
		p := all[k]
		id, err := idOf(k, p)
		if err != nil {
			return 0, err
		}
		removed = append(removed, id)
		changes = append(changes, attest.ResultChange{Test: k.test, Resource: attest.ResourceRef{Type: k.typ, Key: k.key}, From: p.status,
			To: attest.ResultRemoved, Message: k.key + " is no longer collected", TestVersion: p.version, At: at})
		delete(all, k)
	}
	if err := tx.DeleteResults(ctx, c.OrgID, removed); err != nil {
		return 0, err
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
	next := &connStates{gen: gen, states: all}
	tx.AfterCommit(func() { s.states.put(c.OrgID, c.ConnectionID, next) })
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

// digests computes each result's digest, on every core: encoding observed
// values as stored is most of a steady run's comparing.
func digests(results []engine.Result) ([]uint64, error) {
	out := make([]uint64, len(results))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(results)/1000))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(results); i += workers {
				n := results[i]
				obs, err := store.ObservedJSON(n.Observed)
				if err != nil {
					errs[w] = fmt.Errorf("%s on %s: %w", n.Test, n.Resource.Key, err)
					return
				}
				out[i] = digest(n.Message, obs, n.Expected, n.TestVersion)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// sortBy sorts items in the order of their keys (keys[i] belongs to
// items[i]), so what a run writes does not depend on map order.
func sortBy[T any](items []T, keys []resultKey) {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return lessKey(keys[idx[a]], keys[idx[b]]) })
	sorted := make([]T, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
}
