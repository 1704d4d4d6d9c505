package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// A statement pushed out of the cache between the start of a call and the
// call itself stays open until the call has started, and is closed then.
func TestEvictedStatementClosesAfterItsCall(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "a.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := db.stmts
	cs := c.get(ctx, "SELECT 42 AS answer")
	if cs == nil {
		t.Fatal("the first statement was not prepared")
	}
	for i := range maxStmts {
		if other := c.get(ctx, fmt.Sprintf("SELECT %d", i)); other != nil {
			c.done(other)
		}
	}
	if !cs.evicted {
		t.Fatal("the first statement was not pushed out")
	}
	var n int
	if err := cs.st.QueryRowContext(ctx).Scan(&n); err != nil || n != 42 {
		t.Fatalf("a call on a statement pushed out while it started: %d, %v", n, err)
	}
	c.done(cs)
	if err := cs.st.QueryRowContext(ctx).Scan(&n); err == nil {
		t.Fatal("the statement pushed out is still open after its call")
	}
}
