package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

var ctx = context.Background()

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		cur, latest, err := db.SchemaVersion(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Fatalf("schema version %d/%d err %v", cur, latest, err)
		}
	})
}

func TestOrgsAndUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		o := storetest.MustOrg(t, db, "acme")
		if o.ID == 0 || o.CreatedAt.IsZero() {
			t.Fatalf("org not filled in: %+v", o)
		}
		dup := attest.Organization{Slug: "acme", Name: "Other"}
		if err := db.CreateOrg(ctx, &dup); attest.ErrorCode(err) != attest.ECONFLICT || attest.ErrorField(err) != "slug" {
			t.Fatalf("duplicate slug: %v", err)
		}
		bad := attest.Organization{Slug: "Bad Slug", Name: "x"}
		if err := db.CreateOrg(ctx, &bad); attest.ErrorField(err) != "slug" {
			t.Fatalf("bad slug: %v", err)
		}
		got, err := db.OrgBySlug(ctx, "acme")
		if err != nil || got.ID != o.ID || !got.CreatedAt.Equal(o.CreatedAt) {
			t.Fatalf("OrgBySlug = %+v, %v; want %+v", got, err, o)
		}
		if _, err := db.OrgBySlug(ctx, "nope"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("missing org: %v", err)
		}

		u := storetest.MustUser(t, db, " Alice@Example.COM ")
		if u.Email != "alice@example.com" {
			t.Fatalf("email not normalized: %q", u.Email)
		}
		again := attest.User{Email: "alice@example.com", Name: "A", PasswordHash: "x"}
		if err := db.CreateUser(ctx, &again); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("duplicate email: %v", err)
		}
		byEmail, err := db.UserByEmail(ctx, "ALICE@example.com")
		if err != nil || byEmail.ID != u.ID {
			t.Fatalf("UserByEmail: %+v %v", byEmail, err)
		}
		if err := db.SetPasswordHash(ctx, u.ID, "y"); err != nil {
			t.Fatal(err)
		}
		if u2, _ := db.UserByID(ctx, u.ID); u2.PasswordHash != "y" {
			t.Fatalf("password hash not updated")
		}
	})
}

func TestMembershipsKeepAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		admin, other := storetest.MustUser(t, db, "admin@x.io"), storetest.MustUser(t, db, "other@x.io")
		for _, m := range []struct {
			org, user int64
			role      attest.Role
		}{{a.ID, admin.ID, attest.RoleAdmin}, {b.ID, admin.ID, attest.RoleAuditor}, {a.ID, other.ID, attest.RoleEmployee}} {
			if err := db.AddMember(ctx, m.org, m.user, m.role); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddMember(ctx, a.ID, admin.ID, attest.RoleManager); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("duplicate membership: %v", err)
		}
		if err := db.AddMember(ctx, a.ID, other.ID, "owner"); attest.ErrorField(err) != "role" {
			t.Fatalf("bad role: %v", err)
		}
		ms, err := db.Memberships(ctx, admin.ID)
		if err != nil || len(ms) != 2 || ms[0].Org.Slug != "a" || ms[0].Role != attest.RoleAdmin || ms[1].Role != attest.RoleAuditor {
			t.Fatalf("Memberships = %+v, %v", ms, err)
		}
		if _, err := db.Membership(ctx, b.ID, other.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("non-member: %v", err)
		}
		// The only admin can be neither demoted nor removed.
		if err := db.SetRole(ctx, a.ID, admin.ID, attest.RoleManager); attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("demoting last admin: %v", err)
		}
		if err := db.RemoveMember(ctx, a.ID, admin.ID); attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("removing last admin: %v", err)
		}
		if err := db.SetRole(ctx, a.ID, other.ID, attest.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRole(ctx, a.ID, admin.ID, attest.RoleManager); err != nil {
			t.Fatalf("demoting with another admin present: %v", err)
		}
		n, err := db.CountAdmins(ctx)
		if err != nil || n != 1 {
			t.Fatalf("CountAdmins = %d, %v", n, err)
		}
	})
}

func TestRemoveMemberRevokesTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		o := storetest.MustOrg(t, db, "a")
		storetest.MustMember(t, db, o, attest.RoleAdmin, "admin@x.io")
		emp := storetest.MustMember(t, db, o, attest.RoleEmployee, "emp@x.io")
		tok := attest.APIToken{OrgID: o.ID, UserID: emp.ID, Name: "ci", Prefix: "atk_abc"}
		if err := db.CreateToken(ctx, &tok, "hash1"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveMember(ctx, o.ID, emp.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.TokenByHash(ctx, "hash1")
		if err != nil || got.RevokedAt.IsZero() || got.Active(time.Now()) {
			t.Fatalf("token of removed member still active: %+v %v", got, err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		u := storetest.MustUser(t, db, "u@x.io")
		exp := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
		tok := attest.APIToken{OrgID: a.ID, UserID: u.ID, Name: " deploy ", Prefix: "atk_1234", ExpiresAt: exp}
		if err := db.CreateToken(ctx, &tok, "h"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateToken(ctx, &attest.APIToken{OrgID: a.ID, UserID: u.ID}, "h2"); attest.ErrorField(err) != "name" {
			t.Fatalf("nameless token: %v", err)
		}
		got, err := db.TokenByHash(ctx, "h")
		if err != nil || got.Name != "deploy" || !got.ExpiresAt.Equal(exp) || !got.LastUsedAt.IsZero() {
			t.Fatalf("TokenByHash = %+v, %v", got, err)
		}
		if err := db.TouchToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := db.Tokens(ctx, a.ID, u.ID)
		if len(list) != 1 || list[0].LastUsedAt.IsZero() {
			t.Fatalf("Tokens = %+v", list)
		}
		// Revoking through another organization is indistinguishable from a missing token.
		if _, err := db.RevokeToken(ctx, b.ID, u.ID, tok.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("cross-org revoke: %v", err)
		}
		if r, err := db.RevokeToken(ctx, a.ID, u.ID, tok.ID); err != nil || r.RevokedAt.IsZero() {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		if got, _ := db.TokenByHash(ctx, "h"); got.Active(time.Now()) {
			t.Fatal("revoked token active")
		}
	})
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, clock)
			u := storetest.MustUser(t, db, "u@x.io")
			s := store.Session{TokenHash: "s1", UserID: u.ID, ExpiresAt: now.Add(time.Hour), IP: "127.0.0.1", UserAgent: "test"}
			if err := db.CreateSession(ctx, &s); err != nil {
				t.Fatal(err)
			}
			// A long user agent is cut without splitting a character, and bytes that
			// are not UTF-8 are replaced: PostgreSQL would refuse either.
			ua := strings.Repeat("a", 299) + "é\xff"
			if err := db.CreateSession(ctx, &store.Session{TokenHash: "s2", UserID: u.ID, ExpiresAt: now.Add(time.Hour), UserAgent: ua}); err != nil {
				t.Fatalf("session with a long user agent: %v", err)
			}
			if _, got, err := db.SessionUser(ctx, "s1", ""); err != nil || got.ID != u.ID {
				t.Fatalf("SessionUser: %v %v", got, err)
			}
			now = now.Add(2 * time.Hour)
			if _, _, err := db.SessionUser(ctx, "s1", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("expired session accepted: %v", err)
			}
			// A late touch (a server with a later clock or a longer idle
			// setting) does not revive an expired session.
			if err := db.TouchSession(ctx, "s1", now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.SessionUser(ctx, "s1", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("an expired session touched late is live again: %v", err)
			}
			for _, h := range []string{"s3", "s4"} {
				if err := db.CreateSession(ctx, &store.Session{TokenHash: h, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.DeleteOtherSessions(ctx, u.ID, "s3"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.SessionUser(ctx, "s4", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("other session survived: %v", err)
			}
			if _, _, err := db.SessionUser(ctx, "s3", ""); err != nil {
				t.Fatalf("kept session lost: %v", err)
			}
		})
	}
}

func TestInvitationsAndSetup(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, clock)
			o := storetest.MustOrg(t, db, "a")
			u := storetest.MustUser(t, db, "admin@x.io")
			inv := attest.Invitation{OrgID: o.ID, Email: "New@X.io", Role: attest.RoleManager, InvitedBy: u.ID, ExpiresAt: now.Add(time.Hour)}
			if err := db.CreateInvitation(ctx, &inv, "ih"); err != nil {
				t.Fatal(err)
			}
			if pend, _ := db.PendingInvitations(ctx, o.ID); len(pend) != 1 || pend[0].Email != "new@x.io" {
				t.Fatalf("pending = %+v", pend)
			}
			if err := db.MarkInvitationAccepted(ctx, inv.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkInvitationAccepted(ctx, inv.ID); attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("second acceptance: %v", err)
			}
			late := attest.Invitation{OrgID: o.ID, Email: "late@x.io", Role: attest.RoleEmployee, InvitedBy: u.ID, ExpiresAt: now.Add(time.Minute)}
			db.CreateInvitation(ctx, &late, "ih2")
			now = now.Add(2 * time.Minute)
			if err := db.MarkInvitationAccepted(ctx, late.ID); attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("expired acceptance: %v", err)
			}

			if err := db.CreateSetupToken(ctx, "st", now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.CheckSetupToken(ctx, "st"); err != nil {
				t.Fatal(err)
			}
			if err := db.UseSetupToken(ctx, "st"); err != nil {
				t.Fatal(err)
			}
			if err := db.UseSetupToken(ctx, "st"); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("set-up token used twice: %v", err)
			}
		})
	}
}

func TestActivityIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		u := storetest.MustUser(t, db, "u@x.io")
		actor := attest.Actor{UserID: u.ID, Label: u.Email, IP: "10.0.0.1", Via: attest.ViaUI}
		for _, e := range []attest.Activity{
			actor.Record(a.ID, "member.invited", "invitation", "1", "invited x"),
			actor.Record(a.ID, "member.role_changed", "membership", "2", "role"),
			actor.Record(a.ID, "token.created", "api_token", "3", "100%_done"),
			actor.Record(b.ID, "member.invited", "invitation", "4", "other org"),
		} {
			if err := db.Update(ctx, func(tx *store.Queries) error { return tx.Log(ctx, e) }); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.Activity(ctx, a.ID, attest.ActivityFilter{})
		if err != nil || len(all) != 3 || all[0].Action != "token.created" || all[0].ActorID != u.ID || all[0].IP != "10.0.0.1" {
			t.Fatalf("Activity = %+v, %v", all, err)
		}
		members, _ := db.Activity(ctx, a.ID, attest.ActivityFilter{Action: "member."})
		if len(members) != 2 {
			t.Fatalf("prefix filter: %d entries", len(members))
		}
		// LIKE wildcards in a filter match literally.
		if n, _ := db.Activity(ctx, a.ID, attest.ActivityFilter{Action: "%"}); len(n) != 0 {
			t.Fatalf("wildcard filter matched %d", len(n))
		}
		page, _ := db.Activity(ctx, a.ID, attest.ActivityFilter{BeforeID: all[0].ID, Limit: 1})
		if len(page) != 1 || page[0].ID != all[1].ID {
			t.Fatalf("paging: %+v", page)
		}
		// The database itself refuses to edit or delete the log.
		err = db.Update(ctx, func(tx *store.Queries) error { return store.ExecForTest(ctx, tx, `UPDATE activity SET summary = 'x'`) })
		if err == nil {
			t.Fatal("activity UPDATE succeeded")
		}
		err = db.Update(ctx, func(tx *store.Queries) error { return store.ExecForTest(ctx, tx, `DELETE FROM activity`) })
		if err == nil {
			t.Fatal("activity DELETE succeeded")
		}
		if after, _ := db.Activity(ctx, a.ID, attest.ActivityFilter{}); len(after) != 3 || after[0].Summary != "100%_done" {
			t.Fatalf("log changed: %+v", after)
		}
	})
}

func TestUpdateRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *store.Queries) error {
			o := attest.Organization{Slug: "gone", Name: "Gone"}
			if err := tx.CreateOrg(ctx, &o); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v", err)
		}
		if _, err := db.OrgBySlug(ctx, "gone"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("rolled-back org exists: %v", err)
		}
	})
}

func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for range 3 {
			db.RecordLoginFailure(ctx, store.ScopeAccount, "a@x.io")
		}
		db.RecordLoginFailure(ctx, store.ScopeAddress, "1.2.3.4")
		f, err := db.LoginFailures(ctx, store.ScopeAccount, "a@x.io", time.Now().Add(-time.Minute))
		if err != nil || len(f) != 3 {
			t.Fatalf("failures = %v, %v", f, err)
		}
		db.ClearLoginFailures(ctx, store.ScopeAccount, "a@x.io")
		if f, _ := db.LoginFailures(ctx, store.ScopeAccount, "a@x.io", time.Time{}); len(f) != 0 {
			t.Fatalf("cleared failures remain: %v", f)
		}
		if f, _ := db.LoginFailures(ctx, store.ScopeAddress, "1.2.3.4", time.Time{}); len(f) != 1 {
			t.Fatalf("address failures lost: %v", f)
		}
	})
}

func TestHandleIsTheSameDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		org := storetest.MustOrg(t, db, "handle")
		var n int
		if err := db.Handle().QueryRowContext(ctx, `SELECT count(*) FROM organizations WHERE id = $1`, org.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("the handle does not reach the store's database: %d %v", n, err)
		}
		if db.Dialect() != store.SQLite && db.Dialect() != store.Postgres {
			t.Fatalf("dialect %q", db.Dialect())
		}
	})
}

// TestResultBatches writes, updates and deletes more results (and history
// rows) than one statement holds, and reads every one back as written, on
// each database.
func TestResultBatches(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, nil)
			org := storetest.MustOrg(t, db, "acme")
			col := attest.CollectionRun{OrgID: org.ID, UID: "col_1", ConnectionID: 3, ConnectionName: "gh", Connector: "github",
				StartedAt: at, FinishedAt: at, SnapshotSHA256: strings.Repeat("a", 64)}
			if err := db.AddCollection(ctx, &col); err != nil {
				t.Fatal(err)
			}
			const n = 1201 // three statements: 500, 500, 201
			rows := make([]attest.TestResult, n)
			changes := make([]attest.ResultChange, n)
			for i := range rows {
				ref := attest.ResourceRef{Type: "github.repository", Key: fmt.Sprintf("acme/r%04d", i)}
				rows[i] = attest.TestResult{OrgID: org.ID, ConnectionID: 3, Test: "t", TestVersion: "sha256:v", Resource: ref,
					Status: attest.ResultPass, Message: fmt.Sprintf("message %d <&>", i), Observed: map[string]any{"i": i, "s": "é"},
					Expected: "x", CollectionID: col.ID, Since: at, CheckedAt: at}
				changes[i] = attest.ResultChange{Test: "t", Resource: ref, To: attest.ResultPass, Message: rows[i].Message, TestVersion: "sha256:v", At: at}
			}
			if err := db.InsertResults(ctx, org.ID, rows); err != nil {
				t.Fatal(err)
			}
			if err := db.AddResultChanges(ctx, org.ID, 3, col.ID, changes); err != nil {
				t.Fatal(err)
			}
			states, err := db.ResultStates(ctx, org.ID, 3)
			if err != nil || len(states) != n {
				t.Fatalf("%d states, %v", len(states), err)
			}
			byKey := map[string]store.ResultState{}
			for _, s := range states {
				byKey[s.Resource.Key] = s
			}
			for i, r := range rows {
				s := byKey[r.Resource.Key]
				obs, _ := store.ObservedJSON(r.Observed)
				if s.Message != r.Message || s.Observed != obs || s.Status != r.Status || !s.Since.Equal(at) || s.Test != "t" {
					t.Fatalf("row %d read back as %+v", i, s)
				}
			}
			hist, err := db.ResultChanges(ctx, org.ID, "t", "", 1000)
			if err != nil || len(hist) != 1000 || hist[0].Resource.Key != "acme/r1200" {
				t.Fatalf("history: %d rows, newest %+v, %v", len(hist), hist[0], err)
			}
			// Each filter alone and both: the conditions are in the text only
			// when asked for.
			for _, f := range []struct {
				test, key string
				want      int
			}{{"t", "acme/r0007", 1}, {"", "acme/r0007", 1}, {"other", "", 0}, {"other", "acme/r0007", 0}, {"", "", 1201}} {
				hist, err := db.ResultChanges(ctx, org.ID, f.test, f.key, 5000)
				if err != nil || len(hist) != min(f.want, 1000) || (f.key != "" && f.want > 0 && hist[0].Resource.Key != f.key) {
					t.Errorf("history of test %q and key %q: %d rows, %v; want %d", f.test, f.key, len(hist), err, min(f.want, 1000))
				}
			}
			bad := rows[0]
			bad.OrgID = org.ID + 1
			if err := db.InsertResults(ctx, org.ID, []attest.TestResult{bad}); err == nil {
				t.Error("a result of another organization was inserted")
			}

			// Every row updated, in as many statements, each to its own values.
			keys, err := db.ResultIDs(ctx, org.ID, 3)
			if err != nil || len(keys) != n {
				t.Fatalf("%d result ids, %v", len(keys), err)
			}
			later := at.Add(36 * time.Hour)
			ids := make([]int64, n)
			for _, k := range keys {
				var i int
				fmt.Sscanf(k.Resource.Key, "acme/r%04d", &i)
				ids[i] = k.ID
				rows[i].ID, rows[i].Status, rows[i].Message = k.ID, attest.ResultFail, fmt.Sprintf("now failing %d", i)
				rows[i].Observed, rows[i].Expected, rows[i].TestVersion = map[string]any{"j": i}, fmt.Sprint("want ", i), "sha256:w"
				rows[i].Since, rows[i].CheckedAt = later, later.Add(time.Duration(i)*time.Microsecond)
			}
			if err := db.UpdateResults(ctx, org.ID, rows); err != nil {
				t.Fatal(err)
			}
			for i, id := range ids {
				got, err := db.Result(ctx, org.ID, id)
				obs, _ := store.ObservedJSON(got.Observed)
				if err != nil || got.Status != attest.ResultFail || got.Message != rows[i].Message || obs != fmt.Sprintf(`{"j":%d}`, i) ||
					got.Expected != rows[i].Expected || got.TestVersion != "sha256:w" || !got.Since.Equal(later) {
					t.Fatalf("row %d after the update: %+v, %v", i, got, err)
				}
			}
			// A row named twice ends as its last.
			twice := []attest.TestResult{rows[0], rows[1], rows[0]}
			twice[0].Message, twice[2].Message = "first of two", "last of two"
			if err := db.UpdateResults(ctx, org.ID, twice); err != nil {
				t.Fatalf("a row named twice: %v", err)
			}
			if got, _ := db.Result(ctx, org.ID, ids[0]); got.Message != "last of two" {
				t.Errorf("a row named twice ends as %q", got.Message)
			}
			rows[0].Message = "last of two"
			// An update naming a row that is not there writes nothing.
			stray := rows[n-1]
			stray.ID, stray.Message = ids[n-1]+1_000_000, "stray"
			first := rows[0]
			first.Message = "must not stay"
			if err := db.Update(ctx, func(tx *store.Queries) error {
				return tx.UpdateResults(ctx, org.ID, []attest.TestResult{first, stray})
			}); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("an update of a missing row: %v", err)
			}
			if got, _ := db.Result(ctx, org.ID, ids[0]); got.Message != rows[0].Message {
				t.Errorf("row 0 after a refused update: %q", got.Message)
			}
			// Deleting all but the last, in three statements.
			if err := db.DeleteResults(ctx, org.ID, ids[:n-1]); err != nil {
				t.Fatal(err)
			}
			if left, err := db.ResultIDs(ctx, org.ID, 3); err != nil || len(left) != 1 || left[0].ID != ids[n-1] {
				t.Errorf("after deleting %d: %+v, %v", n-1, left, err)
			}
			if err := db.DeleteResults(ctx, org.ID, []int64{ids[n-1], ids[0]}); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("deleting a row already gone: %v", err)
			}
		})
	}
}

// A connection's latest complete collection is found however many partial
// or failed collections came after it, and a connection with none says so.
func TestLatestCompleteCollection(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, nil)
			org := storetest.MustOrg(t, db, "acme")
			add := func(uid string, conn int64, partial bool, errText, sha string) attest.CollectionRun {
				c := attest.CollectionRun{OrgID: org.ID, UID: uid, ConnectionID: conn, ConnectionName: "gh", Connector: "github",
					StartedAt: at, FinishedAt: at, Partial: partial, Error: errText, SnapshotSHA256: sha}
				if err := db.AddCollection(ctx, &c); err != nil {
					t.Fatal(err)
				}
				return c
			}
			sha := strings.Repeat("a", 64)
			add("col_old", 3, false, "", sha)
			whole := add("col_whole", 3, false, "", sha)
			// More than a page of later collections that each fall short.
			for i := range 120 {
				switch i % 3 {
				case 0:
					add(fmt.Sprintf("col_p%d", i), 3, true, "", sha)
				case 1:
					add(fmt.Sprintf("col_e%d", i), 3, false, "rate limited", "")
				default:
					add(fmt.Sprintf("col_n%d", i), 3, false, "", "")
				}
			}
			add("col_other_conn", 4, false, "", sha)
			got, err := db.LatestCompleteCollection(ctx, org.ID, 3)
			if err != nil || got.UID != whole.UID {
				t.Fatalf("latest complete: %q, %v; want %q", got.UID, err, whole.UID)
			}
			add("col_p_only", 5, true, "", sha)
			if _, err := db.LatestCompleteCollection(ctx, org.ID, 5); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("a connection with only a partial collection: %v, want not found", err)
			}
		})
	}
}

// Readiness is recorded for the frameworks that open audits report on a
// day, the day's last recording kept.
func TestReadinessRecords(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d, nil)
			acme, other := storetest.MustOrg(t, db, "acme"), storetest.MustOrg(t, db, "other")
			audit := func(org attest.Organization, name, framework string, typ attest.AuditType, asOf, from, to string, status attest.AuditStatus) {
				a := attest.Audit{OrgID: org.ID, Name: name, Framework: framework, Type: typ, AsOf: asOf, From: from, To: to, Firm: "F", Status: status}
				if err := db.CreateAudit(ctx, &a); err != nil {
					t.Fatal(err)
				}
			}
			audit(acme, "t1", "soc2", attest.AuditType1, "2026-12-01", "", "", attest.AuditPlanning)
			audit(acme, "t1 again", "soc2", attest.AuditType1, "2026-12-01", "", "", attest.AuditFieldwork)
			audit(acme, "t2", "iso27001", attest.AuditType2, "", "2026-06-01", "2026-12-01", attest.AuditFieldwork)
			audit(acme, "t2 later", "soc2", attest.AuditType2, "", "2026-07-01", "2026-12-31", attest.AuditFieldwork)
			audit(acme, "t2 starting", "soc2", attest.AuditType2, "", "2026-12-01", "2027-05-31", attest.AuditPlanning)
			audit(other, "closed", "soc2", attest.AuditType1, "2026-12-01", "", "", attest.AuditClosed)
			got, err := db.ReportingOn(ctx, "2026-12-01")
			if err != nil {
				t.Fatal(err)
			}
			want := []store.ReportDay{{OrgID: acme.ID, Framework: "iso27001"}, {OrgID: acme.ID, Framework: "soc2"}}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("reporting on 2026-12-01: %v, want %v", got, want)
			}

			if _, _, err := db.ReadinessRecord(ctx, acme.ID, "soc2", "2026-12-01"); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Errorf("before any recording: %v, want not found", err)
			}
			first, last := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 23, 10, 0, 0, time.UTC)
			if err := db.SaveReadinessRecord(ctx, acme.ID, "soc2", "2026-12-01", first, []byte(`{"percent":40}`)); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveReadinessRecord(ctx, acme.ID, "soc2", "2026-12-01", last, []byte(`{"percent":45}`)); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveReadinessRecord(ctx, acme.ID, "iso27001", "2026-12-01", first, []byte(`{"percent":10}`)); err != nil {
				t.Fatal(err)
			}
			// Another node's slower derivation, begun before the last, does
			// not replace it.
			if err := db.SaveReadinessRecord(ctx, acme.ID, "soc2", "2026-12-01", last.Add(-time.Minute), []byte(`{"percent":44}`)); err != nil {
				t.Fatal(err)
			}
			at, res, err := db.ReadinessRecord(ctx, acme.ID, "soc2", "2026-12-01")
			if err != nil || !at.Equal(last) || string(res) != `{"percent":45}` {
				t.Errorf("the day's record: %v %s %v, want the last recording", at, res, err)
			}
		})
	}
}

// Analyze gathers PostgreSQL's planner statistics (a table never analyzed
// has reltuples -1), and does nothing on SQLite. The table is this test's
// own (regclass follows the search path to its schema): other tests' schemas
// in the same database have theirs.
func TestAnalyze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		storetest.MustOrg(t, db, "a")
		tuples := func() float64 {
			var n float64
			if err := db.Handle().QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'organizations'::regclass`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if db.Dialect() == store.Postgres && tuples() != -1 {
			t.Fatalf("organizations analyzed before Analyze: reltuples %v", tuples())
		}
		if err := db.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.Postgres && tuples() != 1 {
			t.Fatalf("after Analyze, reltuples = %v, want 1", tuples())
		}
	})
}
