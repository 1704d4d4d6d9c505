package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func init() {
	notTenantScoped["SetChangeRules"] = "writes the organization's own rules (one row per organization)"
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	tenantCases = append(tenantCases,
		tenantCase{"ChangeRules", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			if err := db.SetChangeRules(ctx, b.org.ID, attest.ChangeRules{EmergencyLabel: "hotfix", EmergencyHours: 4}); err != nil {
				t.Fatal(err)
			}
			if r, err := db.ChangeRules(ctx, a.org.ID); err != nil || r != attest.DefaultChangeRules {
				t.Fatalf("a's rules = %+v, %v", r, err)
			}
		}},
		tenantCase{"AddDeployLog", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			d := attest.Deployment{Repo: "acme/api", SHA: "abc", At: at}
			if n, err := db.AddDeployLog(ctx, b.org.ID, []attest.Deployment{d}, b.admin.ID); err != nil || n != 1 {
				t.Fatal(n, err)
			}
			// The same deployment in a is a's own, not a duplicate of b's.
			if n, err := db.AddDeployLog(ctx, a.org.ID, []attest.Deployment{d}, a.admin.ID); err != nil || n != 1 {
				t.Fatalf("a's deployment was taken for b's: %d, %v", n, err)
			}
		}},
		tenantCase{"DeployLog", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			if _, err := db.AddDeployLog(ctx, b.org.ID, []attest.Deployment{{Repo: "acme/api", SHA: "only-b", At: at}}, b.admin.ID); err != nil {
				t.Fatal(err)
			}
			list, err := db.DeployLog(ctx, a.org.ID, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range list {
				if d.SHA == "only-b" {
					t.Fatalf("b's deployment in a's deploy log: %+v", list)
				}
			}
		}},
	)
}

func TestDeployLogKeepsEachDeploymentOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
		deps := []attest.Deployment{
			{Repo: "acme/api", SHA: "abc", Environment: "production", Deployer: "erin", At: at},
			{Repo: "acme/api", SHA: "def", Environment: "production", Deployer: "bob", At: at.Add(time.Hour)},
		}
		if n, err := db.AddDeployLog(ctx, org.ID, deps, 0); err != nil || n != 2 {
			t.Fatal(n, err)
		}
		if n, err := db.AddDeployLog(ctx, org.ID, deps, 0); err != nil || n != 0 {
			t.Fatalf("the same log again added %d, %v", n, err)
		}
		list, err := db.DeployLog(ctx, org.ID, at.Add(time.Minute))
		if err != nil || len(list) != 1 || list[0].SHA != "def" || !list[0].At.Equal(at.Add(time.Hour)) || list[0].Source != "log" || list[0].Deployer != "bob" {
			t.Fatalf("deploy log since = %+v, %v", list, err)
		}
		if err := db.SetChangeRules(ctx, org.ID, attest.ChangeRules{EmergencyLabel: "hotfix", EmergencyHours: 4}); err != nil {
			t.Fatal(err)
		}
		if r, err := db.ChangeRules(ctx, org.ID); err != nil || r.EmergencyLabel != "hotfix" || r.EmergencyHours != 4 {
			t.Fatalf("rules = %+v, %v", r, err)
		}
	})
}
