package store_test

import (
	"context"
	"errors"
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
