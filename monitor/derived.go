package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/attest-hq/attest"
)

// keptDerivations bounds a Derived: past it, what was kept is dropped and
// derived again when asked for, as other caches are bounded.
const keptDerivations = 1024

// Derived keeps, per connection, what a service derived from the
// connection's latest snapshot (the roster's accounts, the change register's
// pull requests), by the snapshot's SHA-256: a snapshot never changes, so
// what was derived from it stays right, and only a new collection is read
// again. An AWS account's snapshot can hold 100,000 resources (1.2 s to read
// and decode), and several pages read the same connections on every request.
//
// Requests that ask for a snapshot while it is being read wait for that one
// read instead of starting their own. The zero value is ready to use; values
// handed out are shared between callers, who must not modify them.
type Derived[T any] struct {
	mu   sync.Mutex
	kept map[int64]*derivation[T] // by connection ID
}

// derivation is one snapshot's value, or its reading under way.
type derivation[T any] struct {
	sha  string
	done chan struct{} // closed once v and err are set
	v    T
	err  error
}

// Get is derive applied to the snapshot of run, a connection's complete
// collection, read through s, or what an earlier Get kept of that snapshot.
// A failed read or derivation is not kept.
func (d *Derived[T]) Get(ctx context.Context, s *Service, run attest.CollectionRun, derive func(Snapshot) (T, error)) (T, error) {
	for {
		d.mu.Lock()
		e, ok := d.kept[run.ConnectionID]
		if ok && e.sha == run.SnapshotSHA256 {
			d.mu.Unlock()
			select {
			case <-e.done:
			case <-ctx.Done():
				var zero T
				return zero, ctx.Err()
			}
			// The request that read it may have given up on its own: this
			// one reads it again if it still wants it.
			if e.err != nil && isCancel(e.err) && ctx.Err() == nil {
				continue
			}
			return e.v, e.err
		}
		e = &derivation[T]{sha: run.SnapshotSHA256, done: make(chan struct{})}
		if d.kept == nil || len(d.kept) >= keptDerivations {
			d.kept = map[int64]*derivation[T]{}
		}
		d.kept[run.ConnectionID] = e
		d.mu.Unlock()

		d.derive(ctx, s, run, derive, e)
		return e.v, e.err
	}
}

// derive reads the snapshot and derives from it into e. Whatever happens,
// it then drops e if it failed and closes e.done, in that order, so that no
// waiter waits for ever and none finds the failure kept: a panic in derive
// becomes e's error, and so does a derivation that never returned
// (runtime.Goexit).
func (d *Derived[T]) derive(ctx context.Context, s *Service, run attest.CollectionRun, derive func(Snapshot) (T, error), e *derivation[T]) {
	finished := false
	defer func() {
		if p := recover(); p != nil {
			var zero T
			e.v, e.err = zero, fmt.Errorf("deriving from snapshot %s: %v", run.SnapshotSHA256, p)
		} else if !finished {
			e.err = fmt.Errorf("deriving from snapshot %s stopped before it returned", run.SnapshotSHA256)
		}
		if e.err != nil {
			d.mu.Lock()
			if d.kept[run.ConnectionID] == e {
				delete(d.kept, run.ConnectionID)
			}
			d.mu.Unlock()
		}
		close(e.done)
	}()
	snap, err := s.Snapshot(ctx, run)
	if err != nil {
		e.err, finished = err, true
		return
	}
	e.v, e.err = derive(snap)
	finished = true
}

func isCancel(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Accounts is the accounts in the snapshot of run, a connection's complete
// collection (each resource attest.AccountOf takes for one: identity
// provider users, GitHub members), kept by snapshot: the roster, the
// populations, the checklists and access reviews read them on every page.
// The list is shared: callers copy it before changing it. The accounts carry
// no connection; callers set it.
func (s *Service) Accounts(ctx context.Context, run attest.CollectionRun) ([]attest.Account, error) {
	return s.accounts.Get(ctx, s, run, func(snap Snapshot) ([]attest.Account, error) {
		var out []attest.Account
		for _, r := range snap.Resources {
			if a, ok := attest.AccountOf(r); ok {
				out = append(out, a)
			}
		}
		return slices.Clip(out), nil
	})
}
