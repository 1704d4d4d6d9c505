package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// Seeding twice keeps one organization and one user per role, gives fresh
// passwords that work, and does not repeat one-time data.
func TestSeedIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := demo.Seed(ctx, db, demo.Options{PasswordParams: auth.TestParams})
		if err != nil {
			t.Fatal(err)
		}
		second, err := demo.Seed(ctx, db, demo.Options{PasswordParams: auth.TestParams})
		if err != nil {
			t.Fatal(err)
		}
		if len(second) != len(attest.Roles) {
			t.Fatalf("logins: %+v", second)
		}
		org, err := db.OrgBySlug(ctx, demo.OrgSlug)
		if err != nil {
			t.Fatal(err)
		}
		members, _ := db.Members(ctx, org.ID)
		if len(members) != len(attest.Roles) {
			t.Fatalf("members after two seeds: %d", len(members))
		}
		for i, l := range second {
			if l.Password == first[i].Password {
				t.Errorf("%s password not renewed", l.Role)
			}
			u, _ := db.UserByEmail(ctx, l.Email)
			if ok, _ := auth.CheckPassword(u.PasswordHash, l.Password); !ok {
				t.Errorf("%s: printed password does not work", l.Role)
			}
			m, _ := db.Membership(ctx, org.ID, u.ID)
			if m.Role != l.Role {
				t.Errorf("%s has role %s", l.Email, m.Role)
			}
		}
		acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "demo.seeded"})
		if len(acts) != 1 {
			t.Fatalf("demo.seeded entries: %d", len(acts))
		}
		var out bytes.Buffer
		demo.PrintLogins(&out, "http://x", second)
		if !strings.Contains(out.String(), second[0].Password) || !strings.Contains(out.String(), "http://x/login") {
			t.Fatalf("printed logins: %s", out.String())
		}
	})
}
