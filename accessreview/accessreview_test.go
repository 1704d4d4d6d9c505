package accessreview_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

type world struct {
	svc                          *accessreview.Service
	ev                           *evidence.Service
	db                           *store.DB
	org                          attest.Organization
	admin, mgr, auditor, outside attest.Principal
	okta                         attest.Connection
	clock                        *time.Time
	control                      attest.Control
}

func each(t *testing.T, fn func(t *testing.T, w world)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			now := func() time.Time { return clock }
			db := storetest.Open(t, d, now)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			w := world{db: db, ev: ev, clock: &clock, svc: &accessreview.Service{DB: db, Ledger: ev.Ledger, Evidence: ev,
				Monitor: &monitor.Service{DB: db, Blobs: ev.Blobs}, Now: now}}
			w.org = storetest.MustOrg(t, db, "acme")
			for _, m := range []struct {
				p     *attest.Principal
				role  attest.Role
				email string
			}{{&w.admin, attest.RoleAdmin, "ada@acme.test"}, {&w.mgr, attest.RoleEmployee, "max@acme.test"},
				{&w.auditor, attest.RoleAuditor, "audrey@audit.test"}, {&w.outside, attest.RoleEmployee, "eve@acme.test"}} {
				u := storetest.MustMember(t, db, w.org, m.role, m.email)
				*m.p = attest.Principal{UserID: u.ID, Label: m.email, OrgID: w.org.ID, Role: m.role}
			}
			c := storetest.Control(w.org, "AC-4")
			c.LibraryID = "AC-4"
			if err := db.CreateControl(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
			w.control = c
			// Max (a member) manages Leo; Sam has no manager.
			maxP := storetest.MustPerson(t, db, w.org, "Max", "max@acme.test")
			leo := storetest.MustPerson(t, db, w.org, "Leo", "leo@acme.test")
			leo.ManagerID = maxP.ID
			if err := db.UpdatePerson(t.Context(), &leo); err != nil {
				t.Fatal(err)
			}
			storetest.MustPerson(t, db, w.org, "Sam", "sam@acme.test")
			w.okta = storetest.MustConnection(t, db, w.org, "okta")
			w.collect(t, "col_1", user("leo@acme.test", true), user("sam@acme.test", true), user("svc-backup", true))
			fn(t, w)
		})
	}
}

func user(login string, active bool) attest.Resource {
	email := ""
	if strings.Contains(login, "@") {
		email = login
	}
	return attest.Resource{Type: "okta.user", Key: login, Data: map[string]any{"login": login, "email": email, "active": active, "is_admin": false}}
}

// collect stores a complete collection of okta at the clock's time.
func (w world) collect(t *testing.T, uid string, rs ...attest.Resource) {
	t.Helper()
	b, sha, err := monitor.Snapshot{Connector: w.okta.Type, Resources: rs}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.ev.Blobs.Put(t.Context(), bytes.NewReader(b), sha, 1<<20); err != nil {
		t.Fatal(err)
	}
	c := attest.CollectionRun{OrgID: w.org.ID, UID: uid, ConnectionID: w.okta.ID, ConnectionName: w.okta.Name, Connector: w.okta.Type,
		StartedAt: *w.clock, FinishedAt: *w.clock, Resources: len(rs), SnapshotSHA256: sha, SnapshotSize: int64(len(b))}
	if err := w.db.AddCollection(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
}

func (w world) start(t *testing.T) attest.AccessReview {
	t.Helper()
	list, err := accessreview.ParseAccounts(strings.NewReader("login,email,admin\nroot,,yes\nleo,leo@acme.test,no\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.svc.Start(t.Context(), w.admin, accessreview.Start{Title: "Q4", DueOn: "2026-12-15",
		Systems: []accessreview.SystemChoice{{ConnectionID: w.okta.ID, OwnerID: w.admin.UserID}},
		Upload:  &accessreview.Upload{System: "Billing DB", OwnerID: w.admin.UserID, Accounts: list}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func byLogin(items []attest.AccessReviewItem) map[string]attest.AccessReviewItem {
	out := map[string]attest.AccessReviewItem{}
	for _, it := range items {
		out[it.System+"/"+it.Login] = it
	}
	return out
}

func TestCampaignFreezesAccountsAndAssignsReviewers(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		r := w.start(t)
		if r.Items != 5 || r.State != attest.AccessReviewOpen || len(r.Systems) != 2 || r.Systems[0].CollectionUID != "col_1" {
			t.Fatalf("campaign = %+v", r)
		}
		// A later collection does not change the list under the reviewers.
		*w.clock = w.clock.Add(time.Hour)
		w.collect(t, "col_2", user("leo@acme.test", true), user("new@acme.test", true))
		d, err := w.svc.Get(ctx, w.admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		items := byLogin(d.Items)
		if len(items) != 5 || items["okta/new@acme.test"].ID != 0 {
			t.Fatalf("items changed with a later collection: %v", items)
		}
		// Leo's manager Max signs in: he reviews Leo's accounts (also the
		// uploaded one, linked by email); the owner reviews the rest.
		if items["okta/leo@acme.test"].ReviewerID != w.mgr.UserID || items["Billing DB/leo"].ReviewerID != w.mgr.UserID ||
			items["okta/sam@acme.test"].ReviewerID != w.admin.UserID || items["Billing DB/root"].ReviewerID != w.admin.UserID {
			t.Fatalf("reviewers: %+v", d.Items)
		}
		if !items["Billing DB/root"].Admin || items["okta/leo@acme.test"].PersonName != "Leo" {
			t.Fatalf("account fields: %+v", d.Items)
		}
		// Max sees only his items; someone with none sees no campaign.
		mine, err := w.svc.Get(ctx, w.mgr, r.ID)
		if err != nil || len(mine.Items) != 2 {
			t.Fatalf("reviewer's items = %+v, %v", mine.Items, err)
		}
		if list, err := w.svc.List(ctx, w.mgr); err != nil || len(list) != 1 || list[0].Items != 2 {
			t.Fatalf("reviewer's list = %+v, %v", list, err)
		}
		if _, err := w.svc.Get(ctx, w.outside, r.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("someone with no item read the campaign: %v", err)
		}
		if list, err := w.svc.List(ctx, w.outside); err != nil || len(list) != 0 {
			t.Fatalf("someone with no item lists %+v, %v", list, err)
		}
		// The snapshot is in the ledger, and the chain verifies.
		recs, err := w.db.LedgerRecords(ctx, w.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rec := range recs {
			if rec.Type == ledger.RecordTypeAccessReviewSnapshot && rec.ID == r.UID {
				found = rec.RecordHash == r.SnapshotHash && strings.Contains(string(rec.Record), `"count":5`)
			}
		}
		if !found {
			t.Fatalf("no snapshot record %s with hash %s in %+v", r.UID, r.SnapshotHash, recs)
		}
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStartRefusesBadInput(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		never := storetest.MustConnection(t, w.db, w.org, "github")
		for _, c := range []struct {
			in    accessreview.Start
			field string
		}{
			{accessreview.Start{}, "systems"},
			{accessreview.Start{Systems: []accessreview.SystemChoice{{ConnectionID: never.ID, OwnerID: w.admin.UserID}}}, "systems[0]"},
			{accessreview.Start{Systems: []accessreview.SystemChoice{{ConnectionID: w.okta.ID}}}, "systems[0].owner"},
			{accessreview.Start{Systems: []accessreview.SystemChoice{{ConnectionID: w.okta.ID, OwnerID: w.auditor.UserID}}}, "systems[0].owner"},
			{accessreview.Start{DueOn: "2026-11-01", Systems: []accessreview.SystemChoice{{ConnectionID: w.okta.ID, OwnerID: w.admin.UserID}}}, "due_on"},
		} {
			if _, err := w.svc.Start(ctx, w.admin, c.in); attest.ErrorField(err) != c.field {
				t.Errorf("start %+v: %v, want an error on %s", c.in, err, c.field)
			}
		}
		if _, err := w.svc.Start(ctx, w.mgr, accessreview.Start{}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee started a campaign: %v", err)
		}
		if list, _ := w.svc.List(ctx, w.admin); len(list) != 0 {
			t.Fatalf("a refused start left %+v", list)
		}
	})
}

func TestParseAccountsIsAllOrNothing(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"email\nx@y.test\n", "login"},
		{"login,active\nada,true\nbob,maybe\n", "line 3: active"},
		{"login\nada\nada\n", "line 3: key: account ada is listed on line 2"},
		{"login\n", "no accounts"},
	} {
		if _, err := accessreview.ParseAccounts(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
}

func TestDecisionsTasksRemovalsAndReport(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		r := w.start(t)
		d, _ := w.svc.Get(ctx, w.admin, r.ID)
		items := byLogin(d.Items)
		leo, sam, svc := items["okta/leo@acme.test"], items["okta/sam@acme.test"], items["okta/svc-backup"]

		// A reviewer decides only their own items; a reason is required
		// to revoke; an auditor decides nothing.
		if _, err := w.svc.Decide(ctx, w.mgr, r.ID, sam.ID, "keep", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("Max decided Sam's account: %v", err)
		}
		if _, err := w.svc.Decide(ctx, w.mgr, r.ID, leo.ID, "revoke", " "); attest.ErrorField(err) != "reason" {
			t.Fatalf("revoke without a reason: %v", err)
		}
		if _, err := w.svc.Decide(ctx, w.auditor, r.ID, leo.ID, "keep", ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an auditor decided: %v", err)
		}
		if _, err := w.svc.Decide(ctx, w.admin, r.ID+1000, leo.ID, "keep", ""); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("an item decided through another campaign: %v", err)
		}
		got, err := w.svc.Decide(ctx, w.mgr, r.ID, leo.ID, "revoke", "moved to sales")
		if err != nil || got.TaskID == 0 || got.DecidedBy != w.mgr.UserID {
			t.Fatalf("decide = %+v, %v", got, err)
		}
		task, err := w.db.Task(ctx, w.org.ID, got.TaskID)
		if err != nil || task.OwnerID != w.admin.UserID || task.ControlID != w.control.ID || !strings.Contains(task.Title, "Revoke the okta account leo@acme.test") {
			t.Fatalf("revocation task = %+v, %v", task, err)
		}
		if _, err := w.svc.Decide(ctx, w.admin, r.ID, leo.ID, "keep", ""); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("a decision was decided again: %v", err)
		}
		// Managers reassign; an auditor cannot review.
		if _, err := w.svc.Reassign(ctx, w.admin, r.ID, sam.ID, w.auditor.UserID); attest.ErrorField(err) != "reviewer" {
			t.Fatalf("reassigned to an auditor: %v", err)
		}
		if _, err := w.svc.Reassign(ctx, w.mgr, r.ID, sam.ID, w.mgr.UserID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee reassigned: %v", err)
		}
		if it, err := w.svc.Reassign(ctx, w.admin, r.ID, sam.ID, w.mgr.UserID); err != nil || it.ReviewerID != w.mgr.UserID {
			t.Fatalf("reassign = %+v, %v", it, err)
		}
		must(w.svc.Decide(ctx, w.mgr, r.ID, sam.ID, "keep", ""))
		must(w.svc.Decide(ctx, w.admin, r.ID, svc.ID, "revoke", "nobody owns it"))
		if _, err := w.svc.Complete(ctx, w.admin, r.ID); attest.ErrorField(err) != "items" {
			t.Fatalf("completed with undecided accounts: %v", err)
		}
		must(w.svc.Decide(ctx, w.admin, r.ID, items["Billing DB/root"].ID, "change", "read-only is enough"))
		must(w.svc.Decide(ctx, w.mgr, r.ID, items["Billing DB/leo"].ID, "keep", ""))

		// Before any later collection the revocations await it; then Leo's
		// account is gone and the service account still there.
		d, _ = w.svc.Get(ctx, w.admin, r.ID)
		if it := byLogin(d.Items)["okta/leo@acme.test"]; it.Removal != attest.RemovalAwaiting {
			t.Fatalf("removal before a collection = %q", it.Removal)
		}
		*w.clock = w.clock.Add(24 * time.Hour)
		w.collect(t, "col_2", user("sam@acme.test", true), user("svc-backup", true))
		d, _ = w.svc.Get(ctx, w.admin, r.ID)
		items = byLogin(d.Items)
		if items["okta/leo@acme.test"].Removal != attest.RemovalVerified || items["okta/svc-backup"].Removal != attest.RemovalPresent ||
			items["okta/sam@acme.test"].Removal != "" {
			t.Fatalf("removals: %+v", d.Items)
		}

		done, err := w.svc.Complete(ctx, w.admin, r.ID)
		if err != nil || done.State != attest.AccessReviewCompleted || done.ReportUID == "" {
			t.Fatalf("complete = %+v, %v", done, err)
		}
		if _, err := w.svc.Decide(ctx, w.admin, r.ID, leo.ID, "keep", ""); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("decided on a completed campaign: %v", err)
		}
		// The report is evidence for AC-4, and says who decided what.
		ev, err := w.db.EvidenceByUID(ctx, w.org.ID, done.ReportUID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Controls) != 1 || ev.Controls[0].ID != w.control.ID {
			t.Fatalf("report linked to %+v", ev.Controls)
		}
		body, _, err := w.svc.Report(ctx, w.admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil || len(rows) != 6 {
			t.Fatalf("report rows = %v, %v", rows, err)
		}
		text := string(body)
		for _, want := range []string{"okta,connection,leo@acme.test,leo@acme.test,,false,Leo,", ",revoke,moved to sales,", "verified removed",
			"not yet removed", "Billing DB,upload,root,,,true,,", ",change,read-only is enough,"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q:\n%s", want, text)
			}
		}
		// The completion is a ledger record, and the whole chain verifies.
		recs, _ := w.db.LedgerRecords(ctx, w.org.ID)
		completion := ""
		for _, rec := range recs {
			if rec.Type == ledger.RecordTypeAccessReviewCompletion {
				completion = string(rec.Record)
			}
		}
		if !strings.Contains(completion, `"report":"`+done.ReportUID+`"`) || !strings.Contains(completion, `"snapshot":"`+r.SnapshotHash+`"`) {
			t.Fatalf("completion record = %s", completion)
		}
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatal(err)
		}
		// A campaign completed today makes the schedule current.
		sc, err := w.svc.Schedule(ctx, w.admin)
		if err != nil || sc.Overdue || sc.DueOn != "2027-03-02" {
			t.Fatalf("schedule = %+v, %v", sc, err)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
