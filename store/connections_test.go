package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestConnections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		c := storetest.MustConnection(t, db, a, "gh")
		got, err := db.Connection(ctx, a.ID, c.ID)
		if err != nil || got.Type != "test" || got.Settings["org"] != "gh" || got.IntervalMinutes != 60 || !got.Enabled ||
			!got.CreatedAt.Equal(c.CreatedAt) || !got.CheckedAt.IsZero() || got.CheckOK {
			t.Fatalf("read back %+v, %v; want %+v", got, err, c)
		}
		dup := attest.Connection{OrgID: a.ID, Type: "test", Name: "gh", IntervalMinutes: 60}
		if err := db.CreateConnection(ctx, &dup, []byte("x")); attest.ErrorCode(err) != attest.ECONFLICT || attest.ErrorField(err) != "name" {
			t.Fatalf("a second connection named gh: %v, want ECONFLICT on name", err)
		}
		storetest.MustConnection(t, db, b, "gh") // the same name in another organization is fine

		at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		if err := db.SaveConnectionCheck(ctx, a.ID, c.ID, at, true, "acts as bot"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Connection(ctx, a.ID, c.ID); err != nil || !got.CheckOK || got.CheckMessage != "acts as bot" || !got.CheckedAt.Equal(at) {
			t.Fatalf("after check: %+v, %v", got, err)
		}
		if err := db.SetConnectionSecret(ctx, a.ID, c.ID, []byte("resealed")); err != nil {
			t.Fatal(err)
		}
		all, err := db.SealedSecrets(ctx)
		if err != nil || len(all) != 2 || string(all[0].Sealed) != "resealed" || all[0].ConnectionID != c.ID || string(all[1].Sealed) != "sealed gh" {
			t.Fatalf("SealedSecrets = %+v, %v", all, err)
		}
		if err := db.DeleteConnection(ctx, a.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Connection(ctx, a.ID, c.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("deleted connection: %v", err)
		}
	})
}

func TestDueConnections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		never := storetest.MustConnection(t, db, a, "never")
		recent := storetest.MustConnection(t, db, a, "recent")
		old := storetest.MustConnection(t, db, b, "old")
		off := attest.Connection{OrgID: b.ID, Type: "test", Name: "off", IntervalMinutes: 60, Enabled: false}
		if err := db.CreateConnection(ctx, &off, []byte("x")); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		if err := db.MarkConnectionCollected(ctx, a.ID, recent.ID, now.Add(-59*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkConnectionCollected(ctx, b.ID, old.ID, now.Add(-60*time.Minute)); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueConnections(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, c := range due {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, []int64{never.ID, old.ID}) {
			t.Fatalf("due at %s = %v; want never collected (%d) and collected an hour ago (%d), not recent (%d) nor disabled (%d)",
				now, ids, never.ID, old.ID, recent.ID, off.ID)
		}
	})
}
