package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// Callers that miss one key together wait for one derivation; a change to
// the organization makes the next caller derive again; a failed derivation
// is not kept.
func TestKeptDerivesOnceForCallersTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		var k store.Kept[string, int]
		var derived atomic.Int64
		release := make(chan struct{})
		derive := func() (int, time.Time, error) {
			<-release
			return int(derived.Add(1)), store.Forever, nil
		}
		now := time.Now()
		var wg sync.WaitGroup
		got := make([]int, 50)
		for i := range got {
			wg.Go(func() {
				v, err := k.Get(ctx, &db.Queries, org.ID, "x", now, derive)
				if err != nil {
					t.Error(err)
				}
				got[i] = v
			})
		}
		time.Sleep(50 * time.Millisecond) // let them all arrive
		close(release)
		wg.Wait()
		for i, v := range got {
			if v != 1 {
				t.Fatalf("caller %d got %d: %d derivations for 50 callers together", i, v, derived.Load())
			}
		}
		// A change to the organization's records: derived again.
		storetest.MustControl(t, db, org, "ACC-1", "implemented")
		if v, err := k.Get(ctx, &db.Queries, org.ID, "x", now, derive); err != nil || v != 2 {
			t.Errorf("after a change: %d, %v; want a second derivation", v, err)
		}
		// A failure is returned and not kept.
		fail := func() (int, time.Time, error) { return 0, store.Forever, context.DeadlineExceeded }
		storetest.MustControl(t, db, org, "ACC-2", "implemented")
		if _, err := k.Get(ctx, &db.Queries, org.ID, "x", now, fail); err == nil {
			t.Error("a failed derivation returned no error")
		}
		if v, err := k.Get(ctx, &db.Queries, org.ID, "x", now, derive); err != nil || v != 3 {
			t.Errorf("after a failure: %d, %v; want a new derivation", v, err)
		}
	})
}

// A Kept with a byte budget keeps what fits, drops what it kept when the
// next value would pass the budget, and never keeps a value heavier than the
// whole budget.
func TestKeptIsBoundedByBytes(t *testing.T) {
	db := storetest.Open(t, store.SQLite, nil)
	ctx := t.Context()
	org := storetest.MustOrg(t, db, "acme")
	k := store.Kept[string, string]{Size: func(v string) int { return len(v) }, MaxBytes: 10}
	derived := map[string]int{}
	get := func(key, value string) {
		t.Helper()
		v, err := k.Get(ctx, &db.Queries, org.ID, key, time.Now(), func() (string, time.Time, error) {
			derived[key]++
			return value, store.Forever, nil
		})
		if err != nil || v != value {
			t.Fatalf("Get(%s) = %q, %v", key, v, err)
		}
	}
	get("a", "aaaa")
	get("b", "bbbb")
	get("a", "aaaa")
	get("b", "bbbb")
	if derived["a"] != 1 || derived["b"] != 1 {
		t.Fatalf("two values within the budget: derived %v, want each once", derived)
	}
	get("c", "cccc") // 12 bytes with a and b: they go
	get("c", "cccc")
	get("a", "aaaa")
	if derived["c"] != 1 || derived["a"] != 2 {
		t.Fatalf("past the budget: derived %v, want c once and a again", derived)
	}
	get("big", "0123456789a") // heavier than the budget: returned, not kept
	get("big", "0123456789a")
	get("c", "cccc")
	if derived["big"] != 2 || derived["c"] != 1 {
		t.Fatalf("a value over the budget: derived %v, want it each time and c still kept", derived)
	}
}
