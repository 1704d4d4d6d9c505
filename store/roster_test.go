package store_test

import (
	"context"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

func init() {
	notTenantScoped["SetRosterRules"] = "writes the organization's own rules (one row per organization)"
	// Each organization links an account of the same key to its own person.
	link := func(t *testing.T, ctx context.Context, db *store.DB, w tenant) {
		if err := db.LinkAccount(ctx, w.org.ID, attest.AccountLink{ConnectionID: 1, Key: "acme/carol", PersonID: w.person.ID}, w.admin.ID); err != nil {
			t.Fatal(err)
		}
	}
	tenantCases = append(tenantCases,
		tenantCase{"LinkAccount", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			if err := db.LinkAccount(ctx, a.org.ID, attest.AccountLink{ConnectionID: 1, Key: "k", PersonID: b.person.ID}, a.admin.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a linked an account to b's person: %v", err)
			}
		}},
		tenantCase{"AccountLinks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			link(t, ctx, db, a)
			link(t, ctx, db, b)
			list, err := db.AccountLinks(ctx, a.org.ID)
			if err != nil || len(list) != 1 || list[0].PersonID != a.person.ID {
				t.Fatalf("a's links = %+v, %v", list, err)
			}
		}},
		tenantCase{"UnlinkAccount", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			link(t, ctx, db, a)
			link(t, ctx, db, b)
			if err := db.UnlinkAccount(ctx, a.org.ID, 1, "acme/carol"); err != nil {
				t.Fatal(err)
			}
			if list, _ := db.AccountLinks(ctx, b.org.ID); len(list) != 1 {
				t.Fatalf("b's link removed through a: %+v", list)
			}
		}},
		tenantCase{"RosterRules", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			if err := db.SetRosterRules(ctx, b.org.ID, attest.RosterRules{LeaverDays: 9, JoinerDays: 9}); err != nil {
				t.Fatal(err)
			}
			if r, err := db.RosterRules(ctx, a.org.ID); err != nil || r.LeaverDays != 0 {
				t.Fatalf("a's rules = %+v, %v", r, err)
			}
		}},
	)
}
