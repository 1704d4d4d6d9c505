package roster_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// collected stores a complete collection of conn whose snapshot holds rs,
// as the monitoring service leaves one.
func collected(t *testing.T, db *store.DB, blobs blob.Store, conn attest.Connection, uid string, at time.Time, partial bool, rs ...attest.Resource) {
	t.Helper()
	b, sha, err := monitor.Snapshot{Connector: conn.Type, Resources: rs}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := blobs.Put(t.Context(), bytes.NewReader(b), sha, 1<<20); err != nil {
		t.Fatal(err)
	}
	c := attest.CollectionRun{OrgID: conn.OrgID, UID: uid, ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: conn.Type,
		StartedAt: at, FinishedAt: at, Partial: partial, Resources: len(rs), SnapshotSHA256: sha, SnapshotSize: int64(len(b))}
	if err := db.AddCollection(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
}

// newService is the roster service on db with a blob store of its own, its
// clock stopped at now.
func newService(t *testing.T, db *store.DB, now time.Time) (*roster.Service, blob.Store) {
	t.Helper()
	blobs, err := blob.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	return &roster.Service{DB: db, Monitor: &monitor.Service{DB: db, Blobs: blobs}, Now: func() time.Time { return now }}, blobs
}

func user(email string, active bool) attest.Resource {
	return attest.Resource{Type: "okta.user", Key: email, Data: map[string]any{"login": email, "email": email, "active": active, "is_admin": false}}
}

func TestRosterReadsTheLatestCompleteCollection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		svc, blobs := newService(t, db, now)
		org := storetest.MustOrg(t, db, "acme")
		other := storetest.MustOrg(t, db, "other")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
		p := attest.Principal{UserID: admin.ID, OrgID: org.ID, Role: attest.RoleAdmin}
		leo := storetest.MustPerson(t, db, org, "Leo", "leo@acme.test")
		leo.EndDate = "2026-11-20"
		if err := db.UpdatePerson(ctx, &leo); err != nil {
			t.Fatal(err)
		}
		storetest.MustPerson(t, db, org, "Ada", "ada@acme.test")

		okta := storetest.MustConnection(t, db, org, "okta")
		gh := storetest.MustConnection(t, db, org, "github")
		storetest.MustConnection(t, db, org, "never collected")
		collected(t, db, blobs, okta, "col_1", now.Add(-2*time.Hour), false, user("leo@acme.test", true), user("ada@acme.test", true))
		// A later complete collection: Leo's account is off now…
		collected(t, db, blobs, okta, "col_2", now.Add(-time.Hour), false, user("leo@acme.test", false), user("ada@acme.test", true), user("shared@acme.test", true))
		// …and a webhook's partial collection since does not count.
		collected(t, db, blobs, okta, "col_3", now.Add(-time.Minute), true, user("ada@acme.test", true))
		collected(t, db, blobs, gh, "col_4", now.Add(-time.Hour), false, attest.Resource{Type: "github.member", Key: "acme/leo-gh", Data: map[string]any{"login": "leo-gh", "role": "member"}},
			attest.Resource{Type: "github.repository", Key: "acme/api", Data: map[string]any{}})
		// Another organization's collection of the same names is never read.
		otherConn := storetest.MustConnection(t, db, other, "okta")
		collected(t, db, blobs, otherConn, "col_5", now, false, user("leo@acme.test", true))

		rep, err := svc.Roster(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		src := map[string]roster.Source{}
		for _, s := range rep.Sources {
			src[s.Connection] = s
		}
		if len(rep.Sources) != 3 || src["okta"].Accounts != 3 || !src["okta"].CollectedAt.Equal(now.Add(-time.Hour)) || src["github"].Accounts != 1 ||
			src["never collected"].Note == "" {
			t.Fatalf("sources = %+v", rep.Sources)
		}
		var kinds []string
		for _, f := range rep.Findings {
			kinds = append(kinds, f.Kind+":"+f.Account.Login)
		}
		if len(kinds) != 2 || kinds[0] != "unlinked_account:leo-gh" || kinds[1] != "unlinked_account:shared@acme.test" {
			t.Fatalf("findings = %v", kinds)
		}

		// Linking Leo's GitHub login to him turns it into a leaver's access.
		if err := svc.Link(ctx, p, attest.AccountLink{ConnectionID: gh.ID, Key: "acme/leo-gh", PersonID: leo.ID}); err != nil {
			t.Fatal(err)
		}
		rep, _ = svc.Roster(ctx, p)
		if len(rep.Findings) != 2 || rep.Findings[0].Kind != attest.FindingLeaverActive || rep.Findings[0].Account.Login != "leo-gh" || rep.Findings[0].Due != "2026-11-21" {
			t.Fatalf("after linking: %+v", rep.Findings)
		}
		acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "roster."})
		if len(acts) != 1 || acts[0].Action != "roster.account_linked" {
			t.Fatalf("activity = %+v", acts)
		}
		// Another organization's person cannot be linked; an employee cannot link.
		otherPerson := storetest.MustPerson(t, db, other, "Eve", "eve@other.test")
		if err := svc.Link(ctx, p, attest.AccountLink{ConnectionID: gh.ID, Key: "acme/leo-gh", PersonID: otherPerson.ID}); attest.ErrorField(err) != "person" {
			t.Fatalf("linking another organization's person: %v", err)
		}
		emp := attest.Principal{OrgID: org.ID, Role: attest.RoleEmployee}
		if err := svc.Link(ctx, emp, attest.AccountLink{ConnectionID: gh.ID, Key: "x", PersonID: leo.ID}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee linked: %v", err)
		}
		if _, err := svc.Roster(ctx, emp); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee read the roster: %v", err)
		}
		// Rules: a month for leavers puts Leo within the deadline.
		if err := svc.SetRules(ctx, p, attest.RosterRules{LeaverDays: 91}); attest.ErrorField(err) != "leaver_days" {
			t.Fatalf("91 days: %v", err)
		}
		if err := svc.SetRules(ctx, p, attest.RosterRules{LeaverDays: 30}); err != nil {
			t.Fatal(err)
		}
		rep, _ = svc.Roster(ctx, p)
		for _, f := range rep.Findings {
			if f.Kind == attest.FindingLeaverActive {
				t.Fatalf("a leaver within 30 days: %+v", f)
			}
		}
		if err := svc.Unlink(ctx, p, gh.ID, "acme/leo-gh"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Unlink(ctx, p, gh.ID, "acme/leo-gh"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("unlinking twice: %v", err)
		}

		// Populations: Leo left in November, his Okta account off; the
		// other organization's leaver Nora never appears.
		nora := storetest.MustPerson(t, db, other, "Nora", "nora@other.test")
		nora.EndDate = "2026-11-10"
		if err := db.UpdatePerson(ctx, &nora); err != nil {
			t.Fatal(err)
		}
		pop, err := svc.Populations(ctx, p, "2026-11-01", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		if len(pop.Leavers) != 1 || pop.Leavers[0].Person.Email != "leo@acme.test" || pop.Leavers[0].Reconciliation != "all accounts disabled" {
			t.Fatalf("leavers = %+v", pop.Leavers)
		}
		if _, err := svc.Populations(ctx, emp, "2026-11-01", "2026-11-30"); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee read the populations: %v", err)
		}
		if _, err := svc.Populations(ctx, p, "2026-11-30", "2026-11-01"); attest.ErrorField(err) != "to" {
			t.Fatalf("a window ending before it starts: %v", err)
		}
	})
}

// TestRosterKeepsWhatASnapshotHeld: the accounts read from a snapshot are
// kept by its SHA-256, and a new collection is read at once.
func TestRosterKeepsWhatASnapshotHeld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		svc, blobs := newService(t, db, now)
		org := storetest.MustOrg(t, db, "acme")
		admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
		p := attest.Principal{UserID: admin.ID, OrgID: org.ID, Role: attest.RoleAdmin}
		okta := storetest.MustConnection(t, db, org, "okta")
		logins := func() []string {
			t.Helper()
			rep, err := svc.Roster(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, a := range rep.Unlinked {
				out = append(out, a.Login+"@"+a.Connection)
			}
			return out
		}
		collected(t, db, blobs, okta, "col_1", now.Add(-2*time.Hour), false, user("a@acme.test", true))
		if got := logins(); len(got) != 1 || got[0] != "a@acme.test@okta" {
			t.Fatalf("first read: %v", got)
		}
		if got := logins(); len(got) != 1 || got[0] != "a@acme.test@okta" {
			t.Fatalf("kept read: %v", got)
		}
		collected(t, db, blobs, okta, "col_2", now.Add(-time.Hour), false, user("a@acme.test", true), user("b@acme.test", true))
		if got := logins(); len(got) != 2 || got[0] != "a@acme.test@okta" || got[1] != "b@acme.test@okta" {
			t.Fatalf("after a new collection: %v", got)
		}

	})
}
