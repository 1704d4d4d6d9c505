package store

import (
	"context"
	"time"
)

// ExecForTest runs raw SQL so tests can prove what the schema itself refuses.
func ExecForTest(ctx context.Context, q *Queries, query string) error {
	_, err := q.q.ExecContext(ctx, query)
	return err
}

// SetWriterWait shortens how long Update waits for SQLite's write lock.
func SetWriterWait(d time.Duration) (restore func()) {
	old := writerWait
	writerWait = d
	return func() { writerWait = old }
}

// WithoutWriterQueue makes db's writers wait for SQLite's lock in SQLite's
// busy handler alone, as before the queue, for comparison.
func WithoutWriterQueue(db *DB) { db.writer = nil }
