package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestAccessRevision holds the access revision to what servers keep by it
// (web's kept organizations of each user): every kind of change to what
// decides which organizations a user may open, and as what, moves it; the
// session's read carries it; and the records of an organization, which
// change all day, leave it alone, or nothing would stay kept.
func TestAccessRevision(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testAccessRevision(t, d, now) })
	}
}

func testAccessRevision(t *testing.T, d store.Dialect, now time.Time) {
	url := storetest.URL(t, d)
	db, err := store.Open(ctx, store.Options{URL: url, Now: func() time.Time { return now }})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Migrate(ctx)
	must(t, err)
	// One column at a time, behind the store's back: the store's own
	// statements change several together. (The audit's steps read its ID
	// when they run, after it is created.)
	raw := storetest.Raw(t, url)
	set := func(query string, args ...any) func() error {
		return func() error { _, err := raw.ExecContext(ctx, query, args...); return err }
	}
	org := storetest.MustOrg(t, db, "acme")
	other := storetest.MustOrg(t, db, "other")
	u := storetest.MustUser(t, db, "u@acme.test")
	auditor := storetest.MustUser(t, db, "a@firm.test")
	must(t, db.CreateSession(ctx, &store.Session{TokenHash: "s1", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}))
	must(t, db.CreateToken(ctx, &attest.APIToken{OrgID: other.ID, UserID: u.ID, Name: "ci", Prefix: "atk_1"}, "t1"))
	audit := attest.Audit{OrgID: org.ID, Name: "Audit", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: attest.AuditPlanning}

	steps := []struct {
		name   string
		change func() error
		moves  bool
	}{
		{"a member added", func() error { return db.AddMember(ctx, org.ID, u.ID, attest.RoleAdmin) }, true},
		{"a second member added", func() error { return db.AddMember(ctx, org.ID, auditor.ID, attest.RoleEmployee) }, true},
		{"a role changed", func() error { return db.SetRole(ctx, org.ID, auditor.ID, attest.RoleManager) }, true},
		{"a member removed", func() error { return db.RemoveMember(ctx, org.ID, auditor.ID) }, true},
		{"an organization renamed", func() error { return db.RenameOrg(ctx, org.ID, "Acme, Inc.") }, true},
		{"a second factor required", func() error { return db.SetRequireMFA(ctx, org.ID, true) }, true},
		{"single sign-on required", func() error { return db.SetRequireSSO(ctx, org.ID, true, 0) }, true},
		{"a password changed", func() error { return db.SetPasswordHash(ctx, u.ID, "other") }, true},
		{"an audit created", func() error { return db.CreateAudit(ctx, &audit) }, true},
		{"an auditor invited", func() error { return db.AddAuditor(ctx, org.ID, audit.ID, auditor.Email) }, true},
		{"an auditor joined", func() error { return db.JoinAuditor(ctx, org.ID, audit.ID, auditor.Email, auditor.ID) }, true},
		{"early access given", func() error { audit.Early = "2026-05-01"; return db.UpdateAudit(ctx, &audit) }, true},
		{"an audit's status moved", func() error { audit.Status = attest.AuditFieldwork; return db.UpdateAudit(ctx, &audit) }, true},
		{"an auditor removed", func() error { return db.RemoveAuditor(ctx, org.ID, audit.ID, auditor.Email) }, true},
		{"an organization's slug alone", set(`UPDATE organizations SET slug = 'acme-inc' WHERE id = $1`, org.ID), true},
		{"its break-glass account alone", set(`UPDATE organizations SET sso_break_glass = $1 WHERE id = $2`, u.ID, org.ID), true},
		{"a user's name alone", set(`UPDATE users SET name = 'Pat' WHERE id = $1`, u.ID), true},
		{"a user's email alone", set(`UPDATE users SET email = 'pat@acme.test' WHERE id = $1`, u.ID), true},
		{"an audit's early access alone", func() error { return set(`UPDATE audits SET early_access = '2026-05-02' WHERE id = $1`, audit.ID)() }, true},
		{"an audit's status alone", func() error { return set(`UPDATE audits SET status = 'reporting' WHERE id = $1`, audit.ID)() }, true},
		{"an audit's name", func() error { return set(`UPDATE audits SET name = 'Renamed' WHERE id = $1`, audit.ID)() }, false},
		{"an organization's mail sender", set(`UPDATE organizations SET mail_from_name = 'Acme' WHERE id = $1`, org.ID), false},
		{"an audit deleted", func() error { return set(`DELETE FROM audits WHERE id = $1`, audit.ID)() }, true},
		{"a control added", func() error { storetest.MustControl(t, db, org, "AC-1", "implemented"); return nil }, false},
		{"a task added", func() error { storetest.MustTask(t, db, other, "Do it", nil); return nil }, false},
		{"a person added", func() error { storetest.MustPerson(t, db, org, "Pat", "pat@acme.test"); return nil }, false},
		{"a session touched", func() error { return db.TouchSession(ctx, "s1", now.Add(2*time.Hour)) }, false},
	}
	before, err := db.AccessRevision(ctx)
	must(t, err)
	for _, s := range steps {
		must(t, s.change())
		after, err := db.AccessRevision(ctx)
		must(t, err)
		if moved := after != before; moved != s.moves {
			t.Errorf("%s: the access revision went from %d to %d (should it move: %v)", s.name, before, after, s.moves)
		}
		sess, _, err := db.SessionUser(ctx, "s1", "")
		must(t, err)
		if sess.Access != after {
			t.Errorf("%s: the session read access revision %d, the database has %d", s.name, sess.Access, after)
		}
		// The organization a request names, read with its session or
		// token: its ID and its revision, as OrgRevision reads them.
		for _, id := range []int64{org.ID, other.ID} {
			o, err := db.OrgByID(ctx, id) // its slug as it is now
			must(t, err)
			want, err := db.OrgRevision(ctx, o.ID)
			must(t, err)
			sess, _, err := db.SessionUser(ctx, "s1", o.Slug)
			must(t, err)
			if sess.Org != (store.OrgRead{ID: o.ID, Revision: want}) {
				t.Errorf("%s: the session read %s as %+v, the database has revision %d", s.name, o.Slug, sess.Org, want)
			}
		}
		if sess.Org != (store.OrgRead{}) {
			t.Errorf("%s: the session read an organization for no slug: %+v", s.name, sess.Org)
		}
		if sess, _, err := db.SessionUser(ctx, "s1", "nobody"); err != nil || sess.Org != (store.OrgRead{}) {
			t.Errorf("%s: the session read an organization for a slug of none: %+v, %v", s.name, sess.Org, err)
		}
		tu, err := db.TokenUserByHash(ctx, "t1")
		must(t, err)
		want, err := db.OrgRevision(ctx, other.ID)
		must(t, err)
		if tu.Access != after || tu.Org != (store.OrgRead{ID: other.ID, Revision: want}) {
			t.Errorf("%s: the token read access %d and its organization as %+v; the database has %d and %d", s.name, tu.Access, tu.Org, after, want)
		}
		before = after
	}
}

// TestAccessRevisionWaitsForTheCommit holds PostgreSQL's bump of the access
// revision to its lock order: a transaction that changes access (here an
// audit's status) and then waits for an organization's row must not hold
// the revision's row meanwhile, or a transaction holding that organization's
// row (as demoting an admin does) and then changing a membership would wait
// for it in turn, and one of them would fail as a deadlock. SQLite has one
// writer at a time.
func TestAccessRevisionWaitsForTheCommit(t *testing.T) {
	u := storetest.URL(t, store.Postgres)
	db, err := store.Open(ctx, store.Options{URL: u})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Migrate(ctx)
	must(t, err)
	org := storetest.MustOrg(t, db, "acme")
	member := storetest.MustUser(t, db, "m@acme.test")
	storetest.MustAddMember(t, db, org, member, attest.RoleEmployee)
	audit := attest.Audit{OrgID: org.ID, Name: "Audit", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-06-30", Status: attest.AuditPlanning}
	must(t, db.CreateAudit(ctx, &audit))
	before, err := db.AccessRevision(ctx)
	must(t, err)

	raw := storetest.Raw(t, u)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	a, err := raw.BeginTx(tctx, nil)
	must(t, err)
	defer a.Rollback()
	b, err := raw.BeginTx(tctx, nil)
	must(t, err)
	defer b.Rollback()
	var pid int
	must(t, b.QueryRowContext(tctx, `SELECT pg_backend_pid()`).Scan(&pid))

	_, err = a.ExecContext(tctx, `SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, org.ID)
	must(t, err)
	_, err = b.ExecContext(tctx, `UPDATE audits SET status = 'fieldwork' WHERE id = $1`, audit.ID)
	must(t, err)
	done := make(chan error, 1)
	go func() {
		// A foreign key's check takes this lock: an activity entry's insert.
		_, err := b.ExecContext(tctx, `SELECT id FROM organizations WHERE id = $1 FOR KEY SHARE`, org.ID)
		if err == nil {
			err = b.Commit()
		}
		done <- err
	}()
	for waiting := 0; waiting == 0; {
		must(t, raw.QueryRowContext(tctx, `SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted`, pid).Scan(&waiting))
		select {
		case err := <-done:
			t.Fatalf("the audit's transaction did not wait for the organization's row: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if _, err := a.ExecContext(tctx, `UPDATE memberships SET role = 'manager' WHERE org_id = $1 AND user_id = $2`, org.ID, member.ID); err != nil {
		t.Fatalf("changing a membership while another transaction has changed an audit: %v", err)
	}
	must(t, a.Commit())
	if err := <-done; err != nil {
		t.Fatalf("the audit's transaction: %v", err)
	}
	after, err := db.AccessRevision(ctx)
	must(t, err)
	if after != before+2 {
		t.Errorf("two transactions that changed access moved the revision from %d to %d", before, after)
	}
}
