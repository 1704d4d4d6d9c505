package store_test

import (
	"context"
	"errors"
	"fmt"
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
	for _, slug := range []string{"cancelled", "late"} {
		if _, err := db.OrgBySlug(ctx, slug); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Errorf("%s was written: %v", slug, err)
		}
	}
}

// Writers waiting for SQLite's lock wait without a connection, so reads go
// on while a write holds the lock and more queue behind it (waiting inside
// BEGIN, each would hold one of the pool's eight connections).
func TestQueuedWritersLeaveConnectionsToReaders(t *testing.T) {
	ctx := t.Context()
	db := storetest.Open(t, store.SQLite, nil)
	org := storetest.MustOrg(t, db, "acme")
	held, release := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 11)
	go func() {
		errs <- db.Update(ctx, func(tx *store.Queries) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	for i := range 10 {
		go func() {
			errs <- db.Update(ctx, func(tx *store.Queries) error {
				return tx.Log(ctx, attest.Activity{OrgID: org.ID, Action: "test.write", RecordType: "test", Summary: fmt.Sprint("write ", i)})
			})
		}()
	}
	time.Sleep(200 * time.Millisecond) // the writers reach the queue (or, without it, BEGIN)
	read, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := db.OrgBySlug(read, "acme"); err != nil {
		t.Fatalf("a read while ten writers wait: %v", err)
	}
	close(release)
	for range 11 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if acts, err := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "test.write"}); err != nil || len(acts) != 10 {
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
