package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// SQLite has one writer. The writers of one process queue for it in the
// process: one that waits gives up when its context ends or after the wait,
// and the lock is free again after a transaction that panicked.
func TestSQLiteWritersQueueInProcess(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite, nil)
	write := func(ctx context.Context, name string) error {
		return db.Update(ctx, func(tx *store.Queries) error {
			return tx.CreateOrg(ctx, &attest.Organization{Slug: name, Name: name})
		})
	}

	held, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Update(ctx, func(tx *store.Queries) error {
			close(held)
			<-release
			return tx.CreateOrg(ctx, &attest.Organization{Slug: "first", Name: "First"})
		})
	}()
	<-held

	// A writer whose request ends while it waits returns the context's error.
	short, cancel := context.WithCancel(ctx)
	waiting := make(chan error, 1)
	go func() { waiting <- write(short, "cancelled") }()
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Fatalf("a writer whose context ended while it waited: %v", err)
	}

	// One that waits longer than the wait gives up with ErrWriterBusy.
	restore := store.SetWriterWait(20 * time.Millisecond)
	err := write(ctx, "late")
	restore()
	if !errors.Is(err, store.ErrWriterBusy) {
		t.Fatalf("a writer that waited out the wait: %v", err)
	}

	// One that waits within it is handed the lock when the first commits.
	second := make(chan error, 1)
	go func() { second <- write(ctx, "second") }()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatalf("the writer queued behind the first: %v", err)
	}

	// A transaction that could not begin (its context had ended) leaves the
	// lock free.
	ended, cancelNow := context.WithCancel(ctx)
	cancelNow()
	for range 3 {
		if err := write(ended, "never"); !errors.Is(err, context.Canceled) {
			t.Fatalf("a write whose context had ended: %v", err)
		}
	}

	// A transaction that panics leaves the lock free.
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic did not reach the caller")
			}
		}()
		_ = db.Update(ctx, func(tx *store.Queries) error { panic("in the transaction") })
	}()
	restore = store.SetWriterWait(time.Second)
	defer restore()
	if err := write(ctx, "after-panic"); err != nil {
		t.Fatalf("a write after a transaction panicked: %v", err)
	}
	for _, slug := range []string{"first", "second", "after-panic"} {
		if _, err := db.OrgBySlug(ctx, slug); err != nil {
			t.Errorf("%s: %v", slug, err)
		}
	}
	for _, slug := range []string{"cancelled", "late", "never"} {
		if _, err := db.OrgBySlug(ctx, slug); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("%s was written: %v", slug, err)
		}
	}
}

// Writers waiting for SQLite's lock wait without a connection, so reads go
// on while a write holds the lock and more queue behind it (waiting inside
// BEGIN, or inside a single statement's step, each would hold one of the
// pool's eight connections).
func TestQueuedWritersLeaveConnectionsToReaders(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite, nil)
	org := storetest.MustOrg(t, db, "acme")
	held, release := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 21)
	go func() {
		errs <- db.Update(ctx, func(tx *store.Queries) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	for i := range 20 {
		a := attest.Activity{OrgID: org.ID, Action: "test.write", RecordType: "test", Summary: fmt.Sprint("write ", i)}
		go func() {
			if i%2 == 0 { // a transaction
				errs <- db.Update(ctx, func(tx *store.Queries) error { return tx.Log(ctx, a) })
			} else { // a single statement outside one, as a session's touch is
				errs <- db.Log(ctx, a)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // the writers reach the queue (or, without it, SQLite's busy handler)
	read, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := db.OrgBySlug(read, "acme"); err != nil {
		t.Fatalf("a read while twenty writers wait: %v", err)
	}
	close(release)
	for range 21 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if acts, err := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "test.write"}); err != nil || len(acts) != 20 {
		t.Fatalf("%d writes, %v", len(acts), err)
	}
}

// Small transactions from several goroutines, as concurrent requests write:
// queued in the process, and waiting in SQLite's busy handler alone.
func BenchmarkConcurrentWrites(b *testing.B) {
	for _, queued := range []bool{true, false} {
		name := "queued"
		if !queued {
			name = "busy-handler"
		}
		b.Run(name, func(b *testing.B) {
			db := storetest.Open(b, store.SQLite, nil)
			if !queued {
				store.WithoutWriterQueue(db)
			}
			org := storetest.MustOrg(b, db, "acme")
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					err := db.Update(b.Context(), func(tx *store.Queries) error {
						return tx.Log(b.Context(), attest.Activity{OrgID: org.ID, Action: "bench.write", RecordType: "bench", Summary: "a write"})
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// A write that waited out the lock, in this process's queue or behind
// another process in SQLite's busy handler, is EUNAVAILABLE (503 with
// Retry-After), not an internal error.
func TestBusyWritesAreUnavailable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "attest.db")
	db, err := store.Open(ctx, store.Options{URL: "sqlite:" + path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx *store.Queries) error { close(held); <-release; return nil })
	}()
	<-held
	defer func() { close(release); <-done }()

	restore := store.SetWriterWait(10 * time.Millisecond)
	defer restore()
	queued := db.Update(ctx, func(tx *store.Queries) error { return nil })
	// Another process: no queue of ours, and no busy timeout to wait out.
	other, err := sql.Open("sqlite", store.FileURI(path)+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, behind := other.BeginTx(ctx, nil)
	for name, err := range map[string]error{"queued in this process": queued, "behind another process": behind} {
		got := store.Unavailable(err)
		if attest.ErrorCode(got) != attest.EUNAVAILABLE || !strings.Contains(attest.ErrorMessage(got), "busy with a long write") {
			t.Errorf("%s: %v became %v", name, err, got)
		}
	}
}
