package monitor_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// Derived reads a snapshot once for requests that ask for it at once, keeps
// what was derived until the connection's next collection, keeps no failure,
// and lets a waiting request read again when the one reading gave up.
func TestDerivedReadsEachSnapshotOnce(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite, nil))
	ctx := t.Context()
	w.conn.set(repo("acme/a", true, 1), repo("acme/b", false, 0))
	w.run(t)
	latest := func() attest.CollectionRun {
		run, err := w.svc.LatestComplete(ctx, w.org.ID, w.connID)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	var d monitor.Derived[[]string]
	var reads atomic.Int32
	release := make(chan struct{})
	keys := func(snap monitor.Snapshot) ([]string, error) {
		reads.Add(1)
		<-release
		var out []string
		for _, r := range snap.Resources {
			out = append(out, r.Key)
		}
		return out, nil
	}

	// Eight requests at once: one read, eight answers.
	run := latest()
	var wg sync.WaitGroup
	got := make([][]string, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = d.Get(ctx, w.svc, run, keys) })
	}
	time.Sleep(50 * time.Millisecond) // let them all ask before the first read ends
	close(release)
	wg.Wait()
	for i := range got {
		if errs[i] != nil || len(got[i]) != 2 {
			t.Fatalf("request %d: %v, %v", i, got[i], errs[i])
		}
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("eight requests read the snapshot %d times, want once", n)
	}
	if _, err := d.Get(ctx, w.svc, run, keys); err != nil || reads.Load() != 1 {
		t.Fatalf("a later request read it again: %d reads, %v", reads.Load(), err)
	}

	// A new collection is read at once.
	w.now = w.now.Add(time.Hour)
	w.conn.set(repo("acme/a", true, 1))
	w.run(t)
	if next := latest(); next.SnapshotSHA256 == run.SnapshotSHA256 {
		t.Fatal("the second collection has the first one's snapshot")
	} else if keys, err := d.Get(ctx, w.svc, next, keys); err != nil || len(keys) != 1 || reads.Load() != 2 {
		t.Fatalf("after a new collection: %v, %v, %d reads", keys, err, reads.Load())
	}

	// A failure is not kept: the next request derives again.
	run = latest()
	var fresh monitor.Derived[int]
	calls := 0
	failOnce := func(monitor.Snapshot) (int, error) {
		if calls++; calls == 1 {
			return 0, errors.New("out of memory")
		}
		return 42, nil
	}
	if _, err := fresh.Get(ctx, w.svc, run, failOnce); err == nil {
		t.Fatal("the failure was not returned")
	}
	if v, err := fresh.Get(ctx, w.svc, run, failOnce); err != nil || v != 42 || calls != 2 {
		t.Fatalf("after a failure: %d, %v, %d calls", v, err, calls)
	}

	// A panic is the request's error, not the process's, and is not kept.
	var panicky monitor.Derived[int]
	if _, err := panicky.Get(ctx, w.svc, run, func(monitor.Snapshot) (int, error) { panic("a bug") }); err == nil {
		t.Fatal("a panic in a derivation was not an error")
	}
	if v, err := panicky.Get(ctx, w.svc, run, func(monitor.Snapshot) (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Fatalf("after a panic: %d, %v", v, err)
	}

	// The request reading gives up (its client left): one waiting for the
	// same snapshot reads it itself rather than inherit the cancellation.
	var shared monitor.Derived[int]
	started, resume := make(chan struct{}), make(chan struct{})
	first := true
	var mu sync.Mutex
	derive := func(monitor.Snapshot) (int, error) {
		mu.Lock()
		isFirst := first
		first = false
		mu.Unlock()
		if isFirst {
			close(started)
			<-resume
			return 0, context.Canceled
		}
		return 9, nil
	}
	done := make(chan error, 1)
	go func() { _, err := shared.Get(ctx, w.svc, run, derive); done <- err }()
	<-started
	var v int
	var err error
	waited := make(chan struct{})
	go func() { v, err = shared.Get(ctx, w.svc, run, derive); close(waited) }()
	time.Sleep(50 * time.Millisecond) // the second request waits on the first's read
	close(resume)
	<-waited
	if firstErr := <-done; !errors.Is(firstErr, context.Canceled) {
		t.Fatalf("the request that gave up: %v", firstErr)
	}
	if err != nil || v != 9 {
		t.Fatalf("the waiting request inherited the cancellation: %d, %v", v, err)
	}
}

// Derived keeps at most KeptDerivations connections' values: the next
// connection drops what was kept, which is derived again when asked for.
func TestDerivedIsBounded(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite, nil))
	ctx := t.Context()
	w.conn.set(repo("acme/a", true, 1))
	w.run(t)
	run, err := w.svc.LatestComplete(ctx, w.org.ID, w.connID)
	if err != nil {
		t.Fatal(err)
	}
	// Connections that share the snapshot: what is kept is by connection.
	of := func(conn int64) attest.CollectionRun {
		r := run
		r.ConnectionID = conn
		return r
	}
	var d monitor.Derived[int]
	reads := 0
	count := func(monitor.Snapshot) (int, error) { reads++; return reads, nil }
	get := func(conn int64) {
		t.Helper()
		if _, err := d.Get(ctx, w.svc, of(conn), count); err != nil {
			t.Fatal(err)
		}
	}
	const bound = monitor.KeptDerivations
	for pass := range 2 {
		for conn := int64(1); conn <= bound; conn++ {
			get(conn)
		}
		if reads != bound {
			t.Fatalf("pass %d over %d connections: %d reads, want %d (each once, then kept)", pass, bound, reads, bound)
		}
	}
	get(bound + 1)
	get(1)
	if reads != bound+2 {
		t.Fatalf("past the bound: %d reads, want %d (the first connection's value dropped and read again)", reads, bound+2)
	}
}
