package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// SQLite's reads run prepared statements, one per query text, which answer
// as the query would: for every argument, after a write, and a query that
// cannot be prepared fails as it would unprepared, and is not kept.
func TestSQLiteKeepsStatementsPrepared(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	ctx := t.Context()
	a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
	before := store.PreparedStatements(db)
	for range 3 {
		for _, o := range []struct {
			id   int64
			slug string
		}{{a.ID, "a"}, {b.ID, "b"}} {
			got, err := db.OrgByID(ctx, o.id)
			if err != nil || got.Slug != o.slug {
				t.Fatalf("OrgByID(%d) = %+v, %v; want %s", o.id, got, err, o.slug)
			}
		}
	}
	if n := store.PreparedStatements(db); n != before+1 {
		t.Errorf("six reads of one query kept %d statements more, want 1", n-before)
	}
	if err := db.RenameOrg(ctx, a.ID, "Renamed"); err != nil {
		t.Fatal(err)
	}
	if got, err := db.OrgByID(ctx, a.ID); err != nil || got.Name != "Renamed" {
		t.Errorf("after a rename, the prepared read gives %+v, %v", got, err)
	}
	n := store.PreparedStatements(db)
	err := store.QueryForTest(ctx, &db.Queries, "SELECT nonsense FROM nowhere")
	if err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("a query that cannot be prepared: %v, want SQLite's error naming the table", err)
	}
	if store.PreparedStatements(db) != n {
		t.Error("a query that cannot be prepared was kept")
	}
	// Past the bound the least recently used go: the busiest stay.
	for i := range store.MaxStmts + 40 {
		if i%50 == 0 {
			if _, err := db.OrgByID(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := store.QueryForTest(ctx, &db.Queries, fmt.Sprintf("SELECT %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.PreparedStatements(db); n != store.MaxStmts {
		t.Errorf("%d statements kept after %d queries, want the bound, %d", n, store.MaxStmts+40, store.MaxStmts)
	}
	if store.StatementKept(db, "SELECT 0") || store.StatementKept(db, "SELECT 1") {
		t.Error("the first statements of the walk are still kept")
	}
	if !store.StatementKept(db, fmt.Sprintf("SELECT %d", store.MaxStmts+39)) {
		t.Error("the last statement of the walk is not kept")
	}
	if got, err := db.OrgByID(ctx, a.ID); err != nil || got.Slug != "a" {
		t.Errorf("after the walk: %+v, %v", got, err)
	}
	// Statements pushed out while others start calls on them: no call
	// fails for it.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				if err := store.QueryForTest(ctx, &db.Queries, fmt.Sprintf("SELECT %d", (g*37+i*11)%(store.MaxStmts*2))); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if store.PreparedStatements(db) != 0 {
		t.Error("closing the database left statements kept")
	}
}
