package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// unrevised are the tables with an org_id whose rows do not bump the
// organization's revision, and why: no cached derivation reads them, and
// they change on reads and sign-ins, which would throw caches away for
// nothing.
var unrevised = map[string]string{
	"activity":           "the activity log: written beside every change, and on sign-ins and exports",
	"api_tokens":         "last use is written on every API request",
	"sso_logins":         "sign-in state",
	"deliveries":         "notification deliveries",
	"notices":            "notifications",
	"notice_marks":       "notifications read",
	"notice_watermarks":  "notification rounds",
	"ledger_entries":     "written with the record they log, which bumps",
	"ledger_checkpoints": "signed heads",
	"org_revisions":      "the revisions themselves",
	"readiness_records":  "readiness as it stood on a report day, rewritten hourly through that day; no derivation reads it",
}

// TestRevisionTriggers holds every table with an org_id, on both databases,
// to bumping the organization's revision on insert, update and delete (a
// new table fails here until it has its triggers or a reason above), and
// the excepted tables to having none.
func TestRevisionTriggers(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			u := storetest.URL(t, d)
			db, err := store.Open(ctx, store.Options{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			raw := storetest.Raw(t, u)
			var s *schema
			if d == store.SQLite {
				s, err = inspectSQLite(raw)
			} else {
				s, err = inspectPostgres(raw)
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for name, tb := range s.Tables {
				if _, ok := tb.Columns["org_id"]; !ok {
					continue
				}
				_, excepted := unrevised[name]
				for _, ev := range []string{"insert", "update", "delete"} {
					want := trigger{name + "_revision_" + ev, name, "AFTER", map[string]string{"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}[ev]}
					has := slices.Contains(s.Triggers, want)
					switch {
					case !excepted && !has:
						t.Errorf("table %s has an org_id but no trigger %s: add one (see migration 00033) or say in unrevised why its rows do not count", name, want)
					case excepted && has:
						t.Errorf("table %s is listed as unrevised but has trigger %s", name, want.Name)
					}
				}
				n++
			}
			if n < 50 {
				t.Fatalf("only %d tables with an org_id found: the inspection is broken", n)
			}
		})
	}
}

// revisionOf returns a reader of an organization's revision that fails t
// on an error.
func revisionOf(t *testing.T, db *store.DB) func(attest.Organization) int64 {
	return func(o attest.Organization) int64 {
		t.Helper()
		r, err := db.OrgRevision(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// TestOrgRevision: a change to an organization's record bumps its revision
// once per transaction and leaves other organizations' alone; a change to a
// user bumps every organization; reads bump nothing.
func TestOrgRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		rev := revisionOf(t, db)
		a0, b0 := rev(a), rev(b)
		c := storetest.MustControl(t, db, a, "A-1", attest.StatusImplemented)
		a1 := rev(a)
		if a1 == a0 || rev(b) != b0 {
			t.Fatalf("a control added to a: a %d → %d, b %d → %d", a0, a1, b0, rev(b))
		}
		if _, err := db.Controls(ctx, a.ID, store.ControlFilter{}); err != nil {
			t.Fatal(err)
		}
		if rev(a) != a1 {
			t.Errorf("a read bumped a's revision")
		}
		if err := db.SetControlRetired(ctx, a.ID, c.ID, true); err != nil {
			t.Fatal(err)
		}
		a2 := rev(a)
		if a2 == a1 || rev(b) != b0 {
			t.Errorf("a's control retired: a %d → %d, b %d → %d", a1, a2, b0, rev(b))
		}
		storetest.MustUser(t, db, "someone@example.com")
		if rev(a) == a2 || rev(b) == b0 {
			t.Errorf("a user added: a %d → %d, b %d → %d; want both bumped (names of users show beside every organization's records)", a2, rev(a), b0, rev(b))
		}
		// Many rows in one transaction bump once on PostgreSQL (the
		// transaction-local mark) and once per row on SQLite: either way
		// the revision moves, which is all a cache needs.
		a3 := rev(a)
		if err := db.Update(ctx, func(tx *store.Queries) error {
			for _, ref := range []string{"A-2", "A-3", "A-4"} {
				c := storetest.Control(a, ref)
				if err := tx.CreateControl(ctx, &c); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if a4 := rev(a); a4 == a3 {
			t.Errorf("three controls added in one transaction left a's revision at %d", a4)
		}
	})
}

// TestResultWritersBumpTheRevision holds each writer of a collection's
// results and their history to moving the organization's revision and no
// other's, on both databases (their triggers do it; kept pages would
// otherwise show old verdicts), and a transaction that wrote some and then
// failed to leaving it where it was.
func TestResultWritersBumpTheRevision(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a, b := storetest.MustOrg(t, db, "a"), storetest.MustOrg(t, db, "b")
		conn := storetest.MustConnection(t, db, a, "gh")
		col := attest.CollectionRun{OrgID: a.ID, UID: "col_1", ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: conn.Type,
			StartedAt: at, FinishedAt: at, SnapshotSHA256: strings.Repeat("a", 64)}
		if err := db.AddCollection(ctx, &col); err != nil {
			t.Fatal(err)
		}
		rev := revisionOf(t, db)
		result := func(key string) attest.TestResult {
			return attest.TestResult{OrgID: a.ID, ConnectionID: conn.ID, Test: "t", TestVersion: "v",
				Resource: attest.ResourceRef{Type: "github.repository", Key: key}, Status: attest.ResultPass,
				CollectionID: col.ID, Since: at, CheckedAt: at}
		}
		change := attest.ResultChange{Test: "t", Resource: attest.ResourceRef{Type: "github.repository", Key: "a/r1"},
			To: attest.ResultFail, TestVersion: "v", At: at}
		var one attest.TestResult
		var ids []int64
		for _, w := range []struct {
			name  string
			write func(q *store.Queries) error
		}{
			{"InsertResult", func(q *store.Queries) error { one = result("a/r0"); return q.InsertResult(ctx, &one) }},
			{"InsertResults", func(q *store.Queries) error {
				return q.InsertResults(ctx, a.ID, []attest.TestResult{result("a/r1"), result("a/r2"), result("a/r3")})
			}},
			{"UpdateResult", func(q *store.Queries) error { one.Status = attest.ResultFail; return q.UpdateResult(ctx, one) }},
			{"UpdateResults", func(q *store.Queries) error {
				keys, err := q.ResultIDs(ctx, a.ID, conn.ID)
				if err != nil {
					return err
				}
				var rows []attest.TestResult
				for _, k := range keys {
					r := result(k.Resource.Key)
					r.ID, r.Status = k.ID, attest.ResultFail
					rows = append(rows, r)
					if k.ID != one.ID { // DeleteResult takes that one
						ids = append(ids, k.ID)
					}
				}
				return q.UpdateResults(ctx, a.ID, rows)
			}},
			{"TouchResults of some resources", func(q *store.Queries) error {
				return q.TouchResults(ctx, a.ID, conn.ID, col.ID, at.Add(time.Hour), []attest.ResourceRef{change.Resource})
			}},
			{"DeleteResult", func(q *store.Queries) error { return q.DeleteResult(ctx, a.ID, one.ID) }},
			{"DeleteResults", func(q *store.Queries) error { return q.DeleteResults(ctx, a.ID, ids[len(ids)-2:]) }},
			{"AddResultChange", func(q *store.Queries) error { return q.AddResultChange(ctx, a.ID, conn.ID, col.ID, change) }},
			{"AddResultChanges", func(q *store.Queries) error {
				return q.AddResultChanges(ctx, a.ID, conn.ID, col.ID, []attest.ResultChange{change, change})
			}},
		} {
			a0, b0 := rev(a), rev(b)
			if err := db.Update(ctx, w.write); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			if rev(a) == a0 || rev(b) != b0 {
				t.Errorf("%s: a's revision %d → %d, b's %d → %d; want a's moved and b's not", w.name, a0, rev(a), b0, rev(b))
			}
		}
		// A transaction that wrote (and bumped) and then failed rolls back
		// with its bump.
		a0 := rev(a)
		if err := db.Update(ctx, func(q *store.Queries) error {
			if err := q.InsertResults(ctx, a.ID, []attest.TestResult{result("a/r9")}); err != nil {
				return err
			}
			return q.DeleteResults(ctx, a.ID, []int64{1 << 40})
		}); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("deleting a result that is not there: %v, want ENOTFOUND", err)
		}
		if rev(a) != a0 {
			t.Errorf("a rolled back write moved a's revision %d → %d", a0, rev(a))
		}
		if keys, err := db.ResultIDs(ctx, a.ID, conn.ID); err != nil || slices.ContainsFunc(keys, func(k store.ResultKey) bool { return k.Resource.Key == "a/r9" }) {
			t.Errorf("the rolled back insert is there: %v %v", keys, err)
		}
	})
}
