package demo_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/policy/templates"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/secret"
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
		// One login per role, and the audit firm's auditor of the demo audit.
		if len(second) != len(attest.Roles)+1 || second[len(second)-1].Label != "firm" {
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
			if l.Label == "firm" {
				// Not a member: a grant on the demo audit, which is open to auditors.
				grants, err := db.AuditGrants(ctx, org.ID, u.ID)
				if err != nil || len(grants) != 1 || !grants[0].OpenToAuditors(time.Now()) {
					t.Errorf("the firm's auditor's grants: %+v, %v", grants, err)
				}
			}
		}
		// The Type 2 and the closed Type 1 before it, once.
		if audits, _ := db.Audits(ctx, org.ID, true, nil); len(audits) != 2 {
			t.Errorf("audits after two seeds: %+v", audits)
		}
		// The workforce once, in every state, the demo users linked to it.
		people, err := db.People(ctx, org.ID, store.PeopleFilter{})
		if err != nil || len(people) != 10 {
			t.Fatalf("people after two seeds: %d, %v", len(people), err)
		}
		states, linked, managed := map[string]int{}, 0, 0
		today := attest.Today(time.Now())
		for _, p := range people {
			states[p.State(today)]++
			if p.UserID != 0 {
				linked++
			}
			if p.ManagerID != 0 {
				managed++
			}
		}
		// The auditor is of the audit firm, not of the workforce.
		if states[attest.PersonJoining] != 1 || states[attest.PersonLeft] != 1 || linked != 3 || managed != 9 {
			t.Errorf("workforce: states %v, %d linked to users, %d with a manager", states, linked, managed)
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

// The demo's evidence goes through the real service: a verifiable ledger, some
// controls ready, and seeding again adds nothing.
func TestSeedEvidence(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite, nil)
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20}
	opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Evidence: svc}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	first, _ := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{})
	if len(first) < 10 {
		t.Fatalf("demo evidence: %d items", len(first))
	}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{}); len(again) != len(first) {
		t.Fatalf("reseeding added evidence: %d → %d", len(first), len(again))
	}
	if _, err := svc.Verify(ctx, org); err != nil {
		t.Fatalf("demo ledger does not verify: %v", err)
	}
	a, _ := programme.Assess(ctx, &db.Queries, cat, org.ID)
	if a.States[readiness.StateReady] == 0 || a.States[readiness.StateImplementedNoEvidence] == 0 {
		t.Fatalf("demo readiness states: %v", a.States)
	}
}

func TestSeedPolicies(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := templates.Load(cat)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite, nil)
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	ledger := &chain.Chain{Key: key}
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20, Ledger: ledger}
	pols := &policy.Service{DB: db, Ledger: ledger, Templates: tpls}
	opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Evidence: svc, Policies: pols}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	list, err := db.Policies(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, p := range list {
		switch {
		case p.Retired:
			states["retired"]++
		default:
			states[p.Latest.State]++
		}
	}
	for _, s := range []string{attest.VersionDraft, attest.VersionInReview, attest.VersionApproved, attest.VersionPublished, "retired"} {
		if states[s] == 0 {
			t.Errorf("the demo has no policy %s: %v", s, states)
		}
	}
	admin := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
	rows, err := pols.Acknowledgements(ctx, admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.PolicyKey+" "+r.PersonEmail] = r.State
	}
	for k, want := range map[string]string{
		"access-control priya@demo.attest.test":       attest.AckOverdue,
		"access-control employee@demo.attest.test":    attest.AckAccepted,
		"acceptable-use employee@demo.attest.test":    attest.AckPending, // 2.0 is a material change
		"information-security jonas@demo.attest.test": attest.AckAccepted,
		"secure-development priya@demo.attest.test":   "", // engineering only
		"information-security liam@demo.attest.test":  "", // left
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
	a, err := programme.Assess(ctx, &db.Queries, cat, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, c := range a.Controls {
		for _, g := range c.Gaps {
			codes[g.Code] = true
		}
	}
	if !codes[readiness.GapAcceptance] {
		t.Errorf("demo readiness shows no overdue acceptance: %v", codes)
	}
	if _, err := svc.Verify(ctx, org); err != nil {
		t.Fatalf("demo ledger does not verify: %v", err)
	}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Policies(ctx, org.ID); len(again) != len(list) {
		t.Fatalf("reseeding added policies: %d → %d", len(list), len(again))
	}
}

// The demo shows two-step verification and single sign-on: a member with an
// authenticator app, and an identity provider filled in but off. Seeding
// again adds neither twice.
func TestSeedSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, _ := secret.NewKey()
		box, _ := secret.New(k)
		opts := demo.Options{PasswordParams: auth.TestParams, Secrets: box}
		for range 2 {
			if _, err := demo.Seed(ctx, db, opts); err != nil {
				t.Fatal(err)
			}
		}
		org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
		f, err := db.MemberFactors(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		withApp := 0
		for _, x := range f {
			if x.TOTP {
				withApp++
			}
		}
		if withApp != 1 {
			t.Fatalf("%d demo members with an authenticator app, want 1", withApp)
		}
		cfg, sealed, err := db.SSOConfig(ctx, org.ID)
		if err != nil || cfg.Enabled || cfg.Issuer == "" || len(sealed) == 0 || cfg.GroupRoles["it-admins"] != attest.RoleAdmin {
			t.Fatalf("demo identity provider: %+v %v", cfg, err)
		}
		for _, action := range []string{"sso.configured", "user.mfa_enrolled"} {
			if acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: action}); len(acts) != 1 {
				t.Errorf("%d %s entries after seeding twice, want 1", len(acts), action)
			}
		}
	})
}

// The demo's risk register: a dozen risks with every treatment, one review
// overdue, an acceptance awaiting sign-off, and last year's assessment
// approved into the ledger, so readiness counts it. Seeding again adds none.
func TestSeedRisks(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := risk.LoadLibrary()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite, nil)
	blobs, err := blob.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	ledger := &chain.Chain{Key: key}
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: 1 << 20, Ledger: ledger}
	risks := &risk.Service{DB: db, Ledger: ledger, Library: lib}
	opts := demo.Options{PasswordParams: auth.TestParams, Catalog: cat, Evidence: svc, Risks: risks}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	org, _ := db.OrgBySlug(ctx, demo.OrgSlug)
	list, err := db.Risks(ctx, org.ID)
	if err != nil || len(list) != 12 {
		t.Fatalf("demo risks: %d, %v", len(list), err)
	}
	today := attest.Today(time.Now())
	treatments, overdue, pending, linked := map[string]int{}, 0, 0, 0
	for _, r := range list {
		treatments[r.Treatment]++
		if r.ReviewOverdueOn(today) {
			overdue++
		}
		if r.AcceptancePending() {
			pending++
		}
		if len(r.Controls) > 0 {
			linked++
		}
	}
	if len(treatments) != 4 || overdue != 1 || pending != 1 || linked < 8 {
		t.Errorf("treatments %v, overdue %d, pending %d, with controls %d", treatments, overdue, pending, linked)
	}
	as, err := db.RiskAssessments(ctx, org.ID)
	if err != nil || len(as) != 1 || !as[0].AssessmentCurrentOn(today) || len(as[0].Risks) != 12 {
		t.Fatalf("demo assessment: %+v, %v", as, err)
	}
	a, err := programme.Assess(ctx, &db.Queries, cat, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[string]bool{}
	for _, c := range a.Controls {
		for _, g := range c.Gaps {
			if g.Code == readiness.GapRiskReview {
				gaps[c.Ref] = true
			}
		}
	}
	if !gaps["RISK-2"] || gaps["RISK-1"] {
		t.Errorf("risk gaps on %v: want the overdue review on RISK-2 and none on RISK-1", gaps)
	}
	if _, err := svc.Verify(ctx, org); err != nil {
		t.Fatalf("demo ledger does not verify: %v", err)
	}
	if _, err := demo.Seed(ctx, db, opts); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Risks(ctx, org.ID); len(again) != len(list) {
		t.Fatalf("reseeding added risks: %d → %d", len(list), len(again))
	}
}
