package app

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connector/aws"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestDemoLarge starts `serve --demo-size large` twice on one database, with
// the large organization made small enough for a test. The first start builds
// it through the services: the workforce, the policies published, a year of
// monthly GitHub collections and yearly AWS ones at their own dates (with
// verdicts that change as the systems improve), and the evidence, all
// verifying; the second start adds nothing.
func TestDemoLarge(t *testing.T) {
	size := demo.Size{People: 60, Repositories: 16, CloudResources: 800, Evidence: 120, Policies: 30, Years: 1}
	now := time.Now().UTC()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url, dir := jobstest.URL(t, d), t.TempDir()
			var firstCollections, firstChanges int
			for start := range 2 {
				a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: url, DataDir: dir, DemoSize: size, PasswordParams: auth.TestParams,
					Log: slog.New(slog.DiscardHandler), Out: io.Discard, Now: func() time.Time { return now }})
				if err != nil {
					t.Fatalf("start %d: %v", start+1, err)
				}
				org, err := a.DB.OrgBySlug(ctx, demo.LargeSlug)
				if err != nil {
					t.Fatalf("start %d: %v", start+1, err)
				}
				// The demo users are its members, with their roles.
				members, err := a.DB.Members(ctx, org.ID)
				if err != nil || len(members) != len(attest.Roles) {
					t.Errorf("start %d: %d members, %v", start+1, len(members), err)
				}
				demoOrg, err := a.DB.OrgBySlug(ctx, demo.OrgSlug)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range members {
					if there, err := a.DB.Membership(ctx, demoOrg.ID, m.User.ID); err != nil || there.Role != m.Role {
						t.Errorf("start %d: %s is %s in the large organization and %s (%v) in the demo one", start+1, m.User.Email, m.Role, there.Role, err)
					}
				}
				p := attest.SystemPrincipal(org.ID, "test", attest.ViaSystem)
				people, err := a.DB.People(ctx, org.ID, store.PeopleFilter{})
				if err != nil || len(people) != size.People {
					t.Errorf("start %d: %d people, want %d (%v)", start+1, len(people), size.People, err)
				}
				pols, err := a.DB.Policies(ctx, org.ID)
				if err != nil || len(pols) != size.Policies {
					t.Errorf("start %d: %d policies, want %d (%v)", start+1, len(pols), size.Policies, err)
				}
				for _, pol := range pols {
					if pol.Published == nil {
						t.Errorf("start %d: policy %s is not published", start+1, pol.Key)
					}
				}
				// Thirteen monthly GitHub collections and two yearly AWS ones,
				// the oldest a year ago.
				runs, err := a.DB.Collections(ctx, org.ID, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				byConnector := map[string]int{}
				oldest := now
				for _, r := range runs {
					byConnector[r.Connector]++
					if r.Error != "" {
						t.Errorf("start %d: collection of %s failed: %s", start+1, r.ConnectionName, r.Error)
					}
					if r.StartedAt.Before(oldest) {
						oldest = r.StartedAt
					}
				}
				if byConnector["github"] != 13 || byConnector["aws"] != 2 || !oldest.Equal(now.AddDate(-1, 0, 0).Truncate(time.Microsecond)) && !oldest.Equal(now.AddDate(-1, 0, 0)) {
					t.Errorf("start %d: collections %v, the oldest at %v; want 13 GitHub and 2 AWS, the oldest at %v", start+1, byConnector, oldest, now.AddDate(-1, 0, 0))
				}
				// The history shows the systems improving: protection turned on,
				// console users enrolled in MFA, each change at a later
				// collection's date.
				for _, test := range []string{"github.branch_protected", "aws.user_console_mfa"} {
					changes, err := a.Services.Monitor.History(ctx, p, test, "", 1000)
					if err != nil {
						t.Fatal(err)
					}
					fixed := 0
					for _, c := range changes {
						if c.From == attest.ResultFail && c.To == attest.ResultPass && c.At.After(oldest) {
							fixed++
						}
					}
					if fixed == 0 {
						t.Errorf("start %d: %s: no fail → pass during the history among %d changes", start+1, test, len(changes))
					}
					if start == 0 {
						firstChanges += len(changes)
					}
				}
				n, err := a.DB.EvidenceCount(ctx, org.ID, store.EvidenceFilter{})
				if err != nil || n != size.Evidence {
					t.Errorf("start %d: %d evidence items, want %d (%v)", start+1, n, size.Evidence, err)
				}
				rep, err := a.Services.Evidence.Verify(ctx, org)
				if err != nil || rep.Evidence != size.Evidence {
					t.Errorf("start %d: verify: %+v, %v", start+1, rep, err)
				}
				if start == 0 {
					firstCollections = len(runs)
				} else if len(runs) != firstCollections {
					t.Errorf("the second start collected again: %d collections, then %d", firstCollections, len(runs))
				}
				a.closeAll()
			}
			if firstChanges == 0 {
				t.Error("no history")
			}
		})
	}
}

// TestLargeAccountBuiltWhenAsked holds the large demo's AWS account to being
// built only when a collection asks it something, or the demo's history
// moves it to a moment: a server whose large organization was built on an
// earlier start does not hold 100,000 resources it may never collect.
func TestLargeAccountBuiltWhenAsked(t *testing.T) {
	size := demo.Size{People: 10, Repositories: 2, CloudResources: 50, Evidence: 10, Policies: 5, Years: 1}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, first := range []string{"a request", "the history"} {
		hosts, systems := largeDemo(now, size)
		acct := hosts[largeAWSHost].(*lazyAccount)
		if acct.sc != nil {
			t.Fatal("the large AWS account was built before anything asked for it")
		}
		if first == "a request" {
			acct.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "https://"+largeAWSHost+"/", nil))
			if acct.sc == nil || !acct.sc.Now.Equal(now) {
				t.Fatalf("after a request: %v", acct.sc)
			}
		}
		then := now.AddDate(0, -6, 0)
		systems.At(aws.Type, then)
		if acct.sc == nil || !acct.sc.Now.Equal(then) {
			t.Fatalf("after %s, moved to %v: %v", first, then, acct.sc)
		}
	}
}
