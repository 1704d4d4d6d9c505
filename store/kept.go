package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Kept keeps values derived from one organization's records between
// requests, so that a page read a thousand times between two changes derives
// them once. A kept value is served only while the organization's revision
// (OrgRevision: every committed change to its records moves it, on whichever
// node) is the one read before it was derived, and while the clock is within
// [the moment it was derived, the moment derive said it holds until). It is
// therefore what derive would give, as long as derive reads the
// organization's committed records and the clock alone.
//
// Use it outside transactions only: a transaction's own uncommitted writes
// do not move the revision others read. Callers must not modify what it
// returns: it is shared.
type Kept[K comparable, V any] struct {
	// Size, when set, weighs a value in bytes, and MaxBytes bounds the
	// weight of what is kept: values whose sizes vary widely (rendered
	// pages) are bounded by memory, not only by count. A value heavier
	// than MaxBytes alone is returned and not kept.
	Size     func(V) int
	MaxBytes int

	mu      sync.Mutex
	entries map[keptKey[K]]keptEntry[V]
	bytes   int                           // the weight of entries, when Size is set
	flights map[keptKey[K]]*keptFlight[V] // derivations under way
	hits    atomic.Int64
	misses  atomic.Int64
}

// keptFlight is a derivation under way: callers that miss the same key at
// the same revision meanwhile wait for it rather than derive again, so that
// two hundred requests arriving together after a change derive once.
type keptFlight[V any] struct {
	done     chan struct{}
	revision int64
	entry    keptEntry[V]
	err      error
}

type keptKey[K comparable] struct {
	org int64
	key K
}

type keptEntry[V any] struct {
	revision    int64
	from, until time.Time
	value       V
}

// keptEntries bounds a Kept: past it, every entry is dropped, which costs
// the next requests one derivation each, never memory without end.
const keptEntries = 1024

// Forever is an until for a value that time alone does not change.
var Forever = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Get returns the value for the organization and key: the kept one while it
// holds at now, or derive's, kept for later with the until derive returns.
func (k *Kept[K, V]) Get(ctx context.Context, q *Queries, orgID int64, key K, now time.Time, derive func() (V, time.Time, error)) (V, error) {
	// Read before deriving: a change committed in between leaves the kept
	// value older than its revision says, so the next call derives again;
	// read after, an older value could be kept under a newer revision.
	rev, err := q.OrgRevision(ctx, orgID)
	if err != nil {
		var zero V
		return zero, err
	}
	return k.GetAt(ctx, orgID, rev, key, now, derive)
}

// GetAt is Get with the organization's revision read by the caller, before
// anything derive reads: with the request's session, in the same statement
// (OrgRead), which saves a request served kept its one other read.
func (k *Kept[K, V]) GetAt(ctx context.Context, orgID, rev int64, key K, now time.Time, derive func() (V, time.Time, error)) (V, error) {
	kk := keptKey[K]{orgID, key}
	holds := func(e keptEntry[V]) bool { return e.revision == rev && !now.Before(e.from) && now.Before(e.until) }
	k.mu.Lock()
	e, ok := k.entries[kk]
	if ok && holds(e) {
		k.mu.Unlock()
		k.hits.Add(1)
		return e.value, nil
	}
	if f := k.flights[kk]; f != nil && f.revision == rev {
		k.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		if f.err == nil && holds(f.entry) {
			k.hits.Add(1)
			return f.entry.value, nil
		}
		k.mu.Lock() // it failed, or does not hold at now: derive
	}
	f := &keptFlight[V]{done: make(chan struct{}), revision: rev}
	if k.flights == nil {
		k.flights = map[keptKey[K]]*keptFlight[V]{}
	}
	k.flights[kk] = f
	k.mu.Unlock()
	k.misses.Add(1)
	f.err = errors.New("store: the derivation did not return") // a panic, which the waiters must not take for a value
	defer func() {
		k.mu.Lock()
		if k.flights[kk] == f {
			delete(k.flights, kk)
		}
		if f.err == nil {
			k.keep(kk, f.entry)
		}
		k.mu.Unlock()
		close(f.done)
	}()
	v, until, err := derive()
	f.entry, f.err = keptEntry[V]{revision: rev, from: now, until: until, value: v}, err
	return v, err
}

// keep adds an entry, dropping every entry first when the count or the
// weight would pass its bound. Called with mu held.
func (k *Kept[K, V]) keep(kk keptKey[K], e keptEntry[V]) {
	size := 0
	if k.Size != nil {
		if size = k.Size(e.value); size > k.MaxBytes {
			return
		}
	}
	if old, ok := k.entries[kk]; ok {
		if k.Size != nil {
			k.bytes -= k.Size(old.value)
		}
		delete(k.entries, kk)
	}
	if k.entries == nil || len(k.entries) >= keptEntries || k.bytes+size > k.MaxBytes && k.Size != nil {
		k.entries, k.bytes = map[keptKey[K]]keptEntry[V]{}, 0
	}
	k.entries[kk] = e
	k.bytes += size
}

// Stats counts the values served kept and those derived.
func (k *Kept[K, V]) Stats() (hits, misses int64) { return k.hits.Load(), k.misses.Load() }
