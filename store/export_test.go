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

// PreparedStatements counts the statements db keeps prepared (stmts.go).
func PreparedStatements(db *DB) int {
	if db.stmts == nil {
		return 0
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	return len(db.stmts.stmts)
}

// MaxStmts is how many statements a database keeps prepared.
const MaxStmts = maxStmts

// StatementKept reports whether db keeps query prepared.
func StatementKept(db *DB, query string) bool {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	_, ok := db.stmts.stmts[query]
	return ok
}

// QueryForTest runs a read through q as the store's methods do.
func QueryForTest(ctx context.Context, q *Queries, query string) error {
	rows, err := q.q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	return rows.Close()
}
