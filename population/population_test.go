package population_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/connector/github"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/vendors"
)

// collected stores a complete collection of conn holding rs.
func collected(t *testing.T, db *store.DB, blobs blob.Store, conn attest.Connection, uid string, at time.Time, rs ...attest.Resource) {
	t.Helper()
	b, sha, err := monitor.Snapshot{Connector: conn.Type, Resources: rs}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := blobs.Put(t.Context(), bytes.NewReader(b), sha, 1<<20); err != nil {
		t.Fatal(err)
	}
	c := attest.CollectionRun{OrgID: conn.OrgID, UID: uid, ConnectionID: conn.ID, ConnectionName: conn.Name, Connector: conn.Type,
		StartedAt: at, FinishedAt: at, Resources: len(rs), SnapshotSHA256: sha, SnapshotSize: int64(len(b))}
	if err := db.AddCollection(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
}

func okta(email string, active bool) attest.Resource {
	return attest.Resource{Type: "okta.user", Key: email, Data: map[string]any{"login": email, "email": email, "active": active}}
}

func person(t *testing.T, db *store.DB, org attest.Organization, name, start, end string) attest.Person {
	t.Helper()
	p := attest.Person{OrgID: org.ID, Name: name, Email: strings.ToLower(name) + "@acme.test", StartDate: start, EndDate: end}
	if err := db.CreatePerson(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTakeRecordsReconcilesAndTestsEveryItem(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
			db := storetest.Open(t, d, func() time.Time { return now })
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			mon := &monitor.Service{DB: db, Blobs: ev.Blobs}
			clock := func() time.Time { return now }
			svc := &population.Service{DB: db, Ledger: ev.Ledger, Now: clock,
				Roster: (&roster.Service{DB: db, Monitor: mon, Now: clock}).ForPopulations, Changes: (&change.Service{DB: db, Monitor: mon, Now: clock}).ForPopulations}
			org := storetest.MustOrg(t, db, "acme")
			admin := storetest.MustMember(t, db, org, attest.RoleAdmin, "admin@acme.test")
			auditor := storetest.MustMember(t, db, org, attest.RoleAuditor, "audrey@audit.test")
			p := attest.Principal{UserID: admin.ID, Label: "admin@acme.test", OrgID: org.ID, Role: attest.RoleAdmin}
			ap := attest.Principal{UserID: auditor.ID, Label: "audrey@audit.test", OrgID: org.ID, Role: attest.RoleAuditor}

			jo := person(t, db, org, "Jo", "2026-03-02", "")
			person(t, db, org, "Jim", "2026-03-05", "")
			person(t, db, org, "Leo", "2025-01-06", "2026-03-10")
			person(t, db, org, "Lia", "2025-01-06", "2026-03-15")
			tc := attest.TrainingCompletion{OrgID: org.ID, PersonID: jo.ID, Kind: attest.TrainingExternal, Course: "Security basics",
				CompletedOn: "2026-03-20", Link: "https://training.test/jo", RecordUID: "tr_jo"}
			if err := db.CreateTrainingCompletion(ctx, &tc); err != nil {
				t.Fatal(err)
			}
			idp := storetest.MustConnection(t, db, org, "okta")
			collected(t, db, ev.Blobs, idp, "col_1", now.Add(-time.Hour),
				okta("jo@acme.test", true), okta("leo@acme.test", true), okta("lia@acme.test", false), okta("ghost@acme.test", true))
			merged := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
			gh := storetest.MustConnection(t, db, org, "github")
			collected(t, db, ev.Blobs, gh, "col_2", now.Add(-time.Hour), attest.Resource{Type: "github.repository", Key: "acme/api", Data: map[string]any{
				"merged_pulls": []any{
					map[string]any{"number": 1, "title": "Add login", "author": "ada", "merged_at": merged.Format(time.RFC3339), "merge_commit_sha": "s1",
						"approvers": []any{"bob"}, "approved_at": merged.Add(-time.Hour).Format(time.RFC3339)},
					map[string]any{"number": 2, "title": "Quick fix", "author": "ada", "merged_at": merged.Add(time.Hour).Format(time.RFC3339), "merge_commit_sha": "s2"},
					map[string]any{"number": 3, "title": "Never shipped", "author": "bob", "merged_at": merged.AddDate(0, 0, 10).Format(time.RFC3339),
						"merge_commit_sha": "s3", "approvers": []any{"ada"}, "approved_at": merged.AddDate(0, 0, 9).Format(time.RFC3339)},
					map[string]any{"number": 4, "title": "Last year", "author": "bob", "merged_at": merged.AddDate(-1, 0, 0).Format(time.RFC3339)},
				},
				"deployments": []any{
					map[string]any{"sha": "s2", "state": "success", "created_at": merged.Add(2 * time.Hour).Format(time.RFC3339)},
					map[string]any{"sha": "hand", "state": "success", "created_at": merged.AddDate(0, 0, 5).Format(time.RFC3339)},
				},
			}})

			// Populations belong to an audit: acme's Type 2 of the first
			// quarter, and another one of the year's second half.
			audit := attest.Audit{OrgID: org.ID, Name: "SOC 2 Type 2 2026", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-04-30",
				Status: attest.AuditFieldwork}
			other := attest.Audit{OrgID: org.ID, Name: "Second half", Framework: "soc2", Type: attest.AuditType2, From: "2025-07-01", To: "2025-12-31",
				Status: attest.AuditFieldwork}
			closed := attest.Audit{OrgID: org.ID, Name: "Closed", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-03-31",
				Status: attest.AuditClosed}
			for _, a := range []*attest.Audit{&audit, &other, &closed} {
				if err := db.CreateAudit(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-03-31"}); attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("a population of no audit: %v", err)
			}
			if _, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2025-12-01", To: "2026-01-31", AuditID: audit.ID}); attest.ErrorCode(err) != attest.EINVALID ||
				!strings.Contains(err.Error(), "before the audit's window") {
				t.Fatalf("a population starting before the audit's window: %v", err)
			}
			if _, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-05-31", AuditID: audit.ID}); attest.ErrorCode(err) != attest.EINVALID ||
				!strings.Contains(err.Error(), "after the audit's window") {
				t.Fatalf("a population ending after the audit's window: %v", err)
			}
			if _, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-03-31", AuditID: closed.ID}); attest.ErrorCode(err) != attest.ECONFLICT {
				t.Fatalf("a population of a closed audit: %v", err)
			}

			// An event population is refused before its window closes.
			_, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-04-02", AuditID: audit.ID})
			if attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "2026-04-03") {
				t.Fatalf("leavers of an open window: %v, want a refusal naming 2026-04-03", err)
			}
			if _, err := svc.Take(ctx, ap, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-03-31", AuditID: audit.ID}); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("an auditor takes a population: %v", err)
			}

			leavers, err := svc.Take(ctx, p, population.Request{Kind: "leavers", From: "2026-03-01", To: "2026-03-31", AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			if leavers.Count != 2 || leavers.Rows[0].Summary != "Leo" || leavers.Params.LeaverDays != attest.DefaultLeaverDays ||
				!strings.Contains(leavers.Query, "from 2026-03-01 to 2026-03-31") || !strings.Contains(leavers.Source, "okta") {
				t.Fatalf("leavers: %+v", leavers)
			}
			if r := leavers.Results; r[0].Result != attest.ItemDeviation || r[1].Result != attest.ItemNotTestable {
				t.Fatalf("leavers' census: %+v", r)
			}
			if f := leavers.Reconciliation.Findings; len(f) != 1 || f[0].Item != leavers.Rows[0].ID {
				t.Fatalf("leavers' reconciliation: %+v", leavers.Reconciliation)
			}
			if leavers.Hash != attest.PopulationHash(attest.PopulationItems(leavers.Rows)) {
				t.Fatal("the population hash is not the hash of its rows")
			}

			joiners, err := svc.Take(ctx, p, population.Request{Kind: "joiners", From: "2026-03-01", To: "2026-03-31", AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			// Jo trained in time; Jim's deadline (2026-04-04) has not passed.
			if r := joiners.Results; len(r) != 2 || r[0].Result != attest.ItemPass || r[1].Result != attest.ItemNotTestable {
				t.Fatalf("joiners' census: %+v", r)
			}
			// Jim has no okta account; ghost has one and is nobody in HR.
			if f := joiners.Reconciliation.Findings; len(f) != 2 || f[0].Item != joiners.Rows[1].ID || f[1].Item != "account test ghost@acme.test" {
				t.Fatalf("joiners' reconciliation: %+v", joiners.Reconciliation)
			}

			changes, err := svc.Take(ctx, p, population.Request{Kind: "changes", From: "2026-03-01", To: "2026-03-31", AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, r := range changes.Rows {
				ids = append(ids, r.ID)
			}
			if strings.Join(ids, " ") != "acme/api#1 acme/api#2 acme/api#3" {
				t.Fatalf("merged changes of the window: %v", ids)
			}
			if r := changes.Results; r[0].Result != attest.ItemPass || r[1].Result != attest.ItemDeviation || r[2].Result != attest.ItemPass {
				t.Fatalf("changes' census: %+v", r)
			}
			if f := changes.Reconciliation.Findings; len(f) != 2 || f[0].Item != "acme/api#3" || f[1].Item != "deployment acme/api@hand" {
				t.Fatalf("changes' reconciliation: %+v", changes.Reconciliation)
			}

			// An empty population is a recorded retrieval of zero rows; the
			// other audit's window has no joiners either.
			empty, err := svc.Take(ctx, p, population.Request{Kind: "joiners", From: "2026-01-01", To: "2026-01-31", AuditID: audit.ID})
			if err != nil || empty.Count != 0 || len(empty.Rows) != 0 || empty.Hash != attest.PopulationHash(nil) || empty.RecordHash == "" {
				t.Fatalf("empty population: %+v, %v", empty, err)
			}

			others, err := svc.Take(ctx, p, population.Request{Kind: "joiners", AuditID: other.ID})
			if err != nil || others.From != "2025-07-01" || others.To != "2025-12-31" || others.AuditID != other.ID || others.Audit != "Second half" {
				t.Fatalf("a population of the audit's whole window: %+v, %v", others, err)
			}

			// The audit's invited auditor sees its populations, and nothing
			// of the other audit's.
			guest := attest.Principal{UserID: auditor.ID, Label: "guest@firm.test", OrgID: org.ID, Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: audit.ID}}}
			mine, err := svc.ListAudit(ctx, guest, audit.ID)
			if err != nil || len(mine) != 4 || mine[0].ID != empty.ID {
				t.Fatalf("the guest's list: %+v, %v", mine, err)
			}
			if _, err := svc.ListAudit(ctx, guest, other.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("the guest lists another audit's populations: %v", err)
			}
			if _, err := svc.GetAudit(ctx, guest, audit.ID, others.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("the guest reads another audit's population through theirs: %v", err)
			}
			if _, err := svc.Get(ctx, guest, others.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("the guest reads a population outside the audit: %v", err)
			}
			if got, err := svc.GetAudit(ctx, guest, audit.ID, leavers.ID); err != nil || len(got.Rows) != 2 {
				t.Fatalf("the guest reads their audit's population: %+v, %v", got, err)
			}

			// A sample of the merged changes for a per-event control: every
			// one of up to 10 items, seeded by the audit, the control and the
			// population's hash, re-derived from its workpaper.
			ctl := storetest.MustControl(t, db, org, "CHG-1", attest.StatusImplemented)
			sample, err := svc.Sample(ctx, p, audit.ID, changes.ID, population.SampleRequest{ControlID: ctl.ID, Frequency: "per-event"})
			if err != nil || sample.Size != 3 || sample.Seed != attest.SampleSeed(strconv.FormatInt(audit.ID, 10), "CHG-1", changes.Hash) ||
				attest.VerifyWorkpaper(sample.Workpaper) != nil || sample.Workpaper.PopulationHash != changes.Hash {
				t.Fatalf("sample: %+v, %v", sample, err)
			}
			if _, err := svc.Sample(ctx, p, audit.ID, changes.ID, population.SampleRequest{ControlID: ctl.ID}); attest.ErrorCode(err) != attest.ECONFLICT {
				t.Fatalf("a second sample for the control: %v", err)
			}
			annual, err := svc.Sample(ctx, p, audit.ID, leavers.ID, population.SampleRequest{ControlID: ctl.ID, Frequency: "annual", PriorDeviation: true})
			if err != nil || annual.Size != 2 || len(annual.Workpaper.Selection) != 2 {
				t.Fatalf("an annual control after a prior deviation: %+v, %v", annual, err)
			}
			if _, err := svc.Sample(ctx, guest, audit.ID, joiners.ID, population.SampleRequest{ControlID: ctl.ID}); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("the guest draws a sample: %v", err)
			}
			if _, err := svc.Sample(ctx, p, other.ID, joiners.ID, population.SampleRequest{ControlID: ctl.ID}); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("a sample of a population through another audit: %v", err)
			}
			if got, err := svc.Samples(ctx, guest, audit.ID); err != nil || len(got) != 2 || got[0].Seed != sample.Seed {
				t.Fatalf("the guest's samples: %+v, %v", got, err)
			}
			if _, err := svc.Samples(ctx, guest, other.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
				t.Fatalf("the guest reads another audit's samples: %v", err)
			}

			list, err := svc.List(ctx, ap, store.PopulationFilter{})
			if err != nil || len(list) != 5 || list[1].ID != empty.ID {
				t.Fatalf("list: %+v, %v", list, err)
			}
			if list, _ := svc.List(ctx, ap, store.PopulationFilter{Kind: "leavers", AuditID: audit.ID}); len(list) != 1 || list[0].Tally.Deviations != 1 || list[0].Tally.Mismatches != 1 {
				t.Fatalf("list by audit: %+v", list)
			}
			got, err := svc.Get(ctx, ap, leavers.ID)
			if err != nil || got.Query != leavers.Query || len(got.Rows) != 2 || got.Rows[0].Person.Accounts[0].Login != "leo@acme.test" ||
				got.Results[0] != leavers.Results[0] || got.RecordHash != leavers.RecordHash || !got.RanAt.Equal(now) {
				t.Fatalf("get: %+v, %v", got, err)
			}

			// Every retrieval is a ledger record that verify re-checks.
			rep, err := ev.Verify(ctx, org)
			if err != nil || rep.Entries != 5 {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
			br, err := db.LedgerRecord(ctx, org.ID, ledger.RecordTypePopulation, leavers.UID)
			if err != nil || br.RecordHash != leavers.RecordHash {
				t.Fatalf("ledger record: %+v, %v", br, err)
			}
		})
	}
}

// The incidents of a window: every incident that occurred in it, tested
// for a root cause and a post-mortem signed off within the review deadline,
// reconciled with the sign-off records of the ledger, and recorded like
// any population.
func TestIncidentPopulation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newQuarter(t, d)
			ctx, db, org, admin, p, audit, svc := t.Context(), w.db, w.org, w.admin, w.p, w.audit, w.svc
			day := func(s string) time.Time { d, _ := time.Parse(attest.DateLayout, s); return d.Add(9 * time.Hour) }
			incident := func(title, occurred, resolved, rootCause, signedOn, record string) attest.Incident {
				t.Helper()
				in := attest.Incident{OrgID: org.ID, Title: title, Severity: "sev2", Status: "open", OccurredAt: day(occurred), DetectedAt: day(occurred), RootCause: rootCause}
				if resolved != "" {
					in.Status, in.ResolvedAt = "resolved", day(resolved)
				}
				if err := db.CreateIncident(ctx, &in, admin.ID); err != nil {
					t.Fatal(err)
				}
				if signedOn != "" {
					w.now = day(signedOn)
					if err := db.SignOffIncident(ctx, org.ID, in.ID, admin.ID, record); err != nil {
						t.Fatal(err)
					}
					w.now = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
				}
				return in
			}
			rec := ledger.BundleRecord{Type: ledger.RecordTypeIncidentPostMortem, ID: "pm_recorded", RecordHash: strings.Repeat("a", 64), Record: []byte(`{}`)}
			if err := db.SaveLedgerRecord(ctx, org.ID, rec); err != nil {
				t.Fatal(err)
			}
			a := incident("Login outage", "2026-02-01", "2026-02-02", "an expired certificate", "2026-02-20", "pm_recorded")
			b := incident("Data export", "2026-03-05", "2026-03-06", "a missing check", "2026-03-10", "pm_missing")
			incident("Last year's", "2025-12-15", "2025-12-16", "x", "", "")
			c := incident("Still open", "2026-03-20", "", "", "", "")
			r, err := svc.Take(ctx, p, population.Request{Kind: attest.PopulationIncidents, AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			results := map[string]string{}
			for _, x := range r.Results {
				results[x.Item] = x.Result
			}
			id := func(in attest.Incident) string { return "incident-" + strconv.FormatInt(in.ID, 10) }
			if r.Count != 3 || results[id(a)] != attest.ItemPass || results[id(b)] != attest.ItemPass || results[id(c)] != attest.ItemNotTestable {
				t.Fatalf("the incidents of Q1: %d rows, results %v", r.Count, results)
			}
			if r.Tally.Mismatches != 1 || r.Reconciliation.Findings[0].Item != id(b) || r.Params.IncidentDays != attest.IncidentReviewDays {
				t.Fatalf("reconciled: %+v, params %+v", r.Reconciliation, r.Params)
			}
			stored, err := db.LedgerRecord(ctx, org.ID, ledger.RecordTypePopulation, r.UID)
			if err != nil {
				t.Fatal(err)
			}
			if err := stored.CheckRecord(org.Slug); err != nil {
				t.Fatalf("the population record does not check: %v", err)
			}
			if !strings.Contains(string(stored.Record), `"kind":"incidents"`) || !strings.Contains(string(stored.Record), `"incident_days":30`) {
				t.Fatalf("the record: %s", stored.Record)
			}
		})
	}
}

// The access reviews of a window: every campaign started in it, tested for
// completion by its due day with every account decided, reconciled with
// the frozen account lists and completion records of the ledger.
func TestAccessReviewPopulation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newQuarter(t, d)
			ctx, db, org, admin, p, audit, svc := t.Context(), w.db, w.org, w.admin, w.p, w.audit, w.svc
			record := func(typ, uid, hash string) {
				t.Helper()
				if err := db.SaveLedgerRecord(ctx, org.ID, ledger.BundleRecord{Type: typ, ID: uid, RecordHash: hash, Record: []byte(`{}`)}); err != nil {
					t.Fatal(err)
				}
			}
			campaign := func(title, started, due, completed string) attest.AccessReview {
				t.Helper()
				at, _ := time.Parse(attest.DateLayout, started)
				r := attest.AccessReview{OrgID: org.ID, UID: attest.NewUID("ar_"), Title: title, State: attest.AccessReviewOpen, DueOn: due,
					StartedAt: at.Add(9 * time.Hour), SnapshotHash: strings.Repeat("c", 64)}
				if err := db.CreateAccessReview(ctx, &r); err != nil {
					t.Fatal(err)
				}
				// Campaigns are lists of accounts; each is decided.
				for _, login := range []string{"ada", "bob"} {
					it := attest.AccessReviewItem{OrgID: org.ID, ReviewID: r.ID, System: "okta", Key: login, Login: login, ReviewerID: admin.ID}
					if err := db.AddAccessReviewItem(ctx, &it); err != nil {
						t.Fatal(err)
					}
					it.Decision, it.DecidedBy = attest.DecisionKeep, admin.ID
					if err := db.DecideAccessItem(ctx, &it); err != nil {
						t.Fatal(err)
					}
				}
				if completed != "" {
					done, _ := time.Parse(attest.DateLayout, completed)
					w.now = done.Add(12 * time.Hour)
					if err := db.CompleteAccessReview(ctx, org.ID, r.ID, admin.ID, ""); err != nil {
						t.Fatal(err)
					}
					w.now = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
				}
				return r
			}
			inTime := campaign("January review", "2026-01-05", "2026-01-31", "2026-01-30")
			record(ledger.RecordTypeAccessReviewSnapshot, inTime.UID, inTime.SnapshotHash)
			record(ledger.RecordTypeAccessReviewCompletion, inTime.UID, strings.Repeat("d", 64))
			late := campaign("February review", "2026-02-02", "2026-02-28", "2026-03-05")
			record(ledger.RecordTypeAccessReviewSnapshot, late.UID, strings.Repeat("e", 64)) // not the list it names
			campaign("Last year's", "2025-12-01", "2025-12-31", "2025-12-20")
			r, err := svc.Take(ctx, p, population.Request{Kind: attest.PopulationReviews, AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			id := func(a attest.AccessReview) string { return "access-review-" + strconv.FormatInt(a.ID, 10) }
			results := map[string]string{}
			for _, x := range r.Results {
				results[x.Item] = x.Result
			}
			if r.Count != 2 || results[id(inTime)] != attest.ItemPass || results[id(late)] != attest.ItemDeviation {
				t.Fatalf("the access reviews of Q1: %d rows, results %v", r.Count, results)
			}
			if r.Tally.Mismatches != 2 || r.Reconciliation.Findings[0].Item != id(late) {
				t.Fatalf("reconciled: %+v", r.Reconciliation)
			}
			stored, err := db.LedgerRecord(ctx, org.ID, ledger.RecordTypePopulation, r.UID)
			if err != nil {
				t.Fatal(err)
			}
			if err := stored.CheckRecord(org.Slug); err != nil || !strings.Contains(string(stored.Record), `"kind":"access_reviews"`) {
				t.Fatalf("the population record: %v\n%s", err, stored.Record)
			}
		})
	}
}

// The vendor reviews of a window: every review that fell due or was
// completed in it, made through the vendor register, tested for timeliness
// and reconciled with the ledger's vendor_review records.
func TestVendorReviewPopulation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newQuarter(t, d)
			ctx, db, org, p, audit, svc := t.Context(), w.db, w.org, w.p, w.audit, w.svc
			// The register's own service, its clock set to each day.
			on := func(day string) *vendors.Service {
				at, _ := time.Parse(attest.DateLayout, day)
				at = at.Add(10 * time.Hour)
				clock := func() time.Time { return at }
				return &vendors.Service{DB: db.WithClock(clock), Ledger: w.ev.Ledger, Evidence: w.ev, Now: clock}
			}
			vendor := func(name, recorded string, reviewed ...string) attest.Vendor {
				t.Helper()
				v, err := on(recorded).Create(ctx, p, attest.Vendor{Name: name, Criticality: attest.CriticalityHigh, Status: attest.VendorActive, ReviewMonths: 12})
				if err != nil {
					t.Fatal(err)
				}
				for _, day := range reviewed {
					r, err := on(day).StartReview(ctx, p, v.ID, attest.VendorReview{ReportType: attest.ReportNone}, nil)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := on(day).Complete(ctx, p, r.ID, "Fit for use."); err != nil {
						t.Fatal(err)
					}
				}
				return v
			}
			// Recorded 2024-12-01, each first review fell due 2024-12-31.
			alpha := vendor("Alpha", "2024-12-01", "2025-01-20", "2026-01-18") // due 2026-01-20, reviewed 2026-01-18
			beta := vendor("Beta", "2024-12-01", "2024-12-20", "2026-02-10")   // due 2025-12-20, reviewed late in the window
			gamma := vendor("Gamma", "2024-12-01", "2025-02-01")               // due 2026-02-01, never reviewed
			vendor("Delta", "2026-03-15")                                      // first due 2026-04-14, after the window
			// A review the ledger holds and the register does not.
			ghost := `{"type":"vendor_review","uid":"vr_ghost","vendor":"Ghost Ltd","completed_at":"2026-03-01T10:00:00.000000Z"}`
			if err := db.SaveLedgerRecord(ctx, org.ID, ledger.BundleRecord{Type: ledger.RecordTypeVendorReview, ID: "vr_ghost", RecordHash: strings.Repeat("f", 64), Record: []byte(ghost)}); err != nil {
				t.Fatal(err)
			}
			r, err := svc.Take(ctx, p, population.Request{Kind: attest.PopulationVendors, AuditID: audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			id := func(v attest.Vendor, due string) string {
				return "vendor-" + strconv.FormatInt(v.ID, 10) + "-due-" + due
			}
			results := map[string]string{}
			for _, x := range r.Results {
				results[x.Item] = x.Result
			}
			if r.Count != 3 || results[id(alpha, "2026-01-20")] != attest.ItemPass || results[id(beta, "2025-12-20")] != attest.ItemDeviation ||
				results[id(gamma, "2026-02-01")] != attest.ItemDeviation {
				t.Fatalf("the vendor reviews of Q1: %d rows, results %v", r.Count, results)
			}
			if len(r.Reconciliation.Findings) != 1 || r.Reconciliation.Findings[0].Item != "vr_ghost" {
				t.Fatalf("reconciled: %+v", r.Reconciliation)
			}
			stored, err := db.LedgerRecord(ctx, org.ID, ledger.RecordTypePopulation, r.UID)
			if err != nil {
				t.Fatal(err)
			}
			if err := stored.CheckRecord(org.Slug); err != nil || !strings.Contains(string(stored.Record), `"kind":"vendor_reviews"`) {
				t.Fatalf("the population record: %v\n%s", err, stored.Record)
			}
		})
	}
}

// quarter is the world the register populations are taken in: an
// organization with an admin, a Type 2 audit of the first quarter of 2026,
// and a clock at now (2 April 2026 unless a test moves it).
type quarter struct {
	db    *store.DB
	ev    *evidence.Service
	org   attest.Organization
	admin attest.User
	p     attest.Principal
	audit attest.Audit
	svc   *population.Service
	now   time.Time
}

func newQuarter(t *testing.T, d store.Dialect) *quarter {
	t.Helper()
	w := &quarter{now: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	w.db = storetest.Open(t, d, clock)
	w.ev = evidencetest.NewService(t, w.db)
	w.ev.Ledger = &chain.Chain{Key: w.ev.Key}
	w.org = storetest.MustOrg(t, w.db, "acme")
	w.admin = storetest.MustMember(t, w.db, w.org, attest.RoleAdmin, "admin@acme.test")
	w.p = attest.Principal{UserID: w.admin.ID, OrgID: w.org.ID, Role: attest.RoleAdmin, Label: w.admin.Email}
	w.audit = attest.Audit{OrgID: w.org.ID, Name: "Q1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-03-31", Status: attest.AuditFieldwork}
	if err := w.db.CreateAudit(t.Context(), &w.audit); err != nil {
		t.Fatal(err)
	}
	w.svc = &population.Service{DB: w.db, Ledger: w.ev.Ledger, Now: clock}
	return w
}

// The vulnerabilities of a window: the Dependabot alerts the GitHub
// connector collected (from the local GitHub server, through a snapshot's
// JSON), each tested against the fix deadline of its severity. A collection
// whose alert history starts after the window does is a finding per
// repository, not a silently shorter population.
func TestVulnerabilityPopulation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			w := newQuarter(t, d)
			collected := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
			srv := githubtest.NewServer(githubtest.DefaultScenario(collected))
			defer srv.Close()
			collect := func(days string) []attest.LatestCollection {
				t.Helper()
				col, err := github.New().Collect(t.Context(), attest.CollectRequest{Settings: map[string]string{"org": "northwind", "base_url": srv.URL,
					"pull_request_days": days}, Secret: []byte("ghp_test"), Now: collected})
				if err != nil {
					t.Fatal(err)
				}
				// As a snapshot stores and returns them: JSON, numbers read
				// as json.Number (monitor/snapshot.go).
				data, _ := json.Marshal(col.Resources)
				var res []attest.Resource
				dec := json.NewDecoder(bytes.NewReader(data))
				dec.UseNumber()
				if err := dec.Decode(&res); err != nil {
					t.Fatal(err)
				}
				return []attest.LatestCollection{{Connection: "github", CollectedAt: collected, Resources: res}, {Connection: "github-enterprise", Note: "no complete collection yet"}}
			}
			var cols []attest.LatestCollection
			w.svc.Collections = func(_ context.Context, _ attest.Principal, connector string) ([]attest.LatestCollection, error) {
				if connector != "github" {
					t.Errorf("the vulnerabilities read %q collections, want github's only", connector)
				}
				return cols, nil
			}

			cols = collect("95")
			r, err := w.svc.Take(t.Context(), w.p, population.Request{Kind: attest.PopulationVulns, AuditID: w.audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			results := map[string]string{}
			for _, x := range r.Results {
				results[x.Item] = x.Result
			}
			want := map[string]string{
				"northwind/api#alert-21": attest.ItemPass,        // critical, fixed in 7 days
				"northwind/api#alert-22": attest.ItemPass,        // dismissed as inaccurate
				"northwind/api#alert-23": attest.ItemDeviation,   // high, fixed after 58 days
				"northwind/web#alert-7":  attest.ItemNotTestable, // high, open 6 days
				"northwind/docs#alert-3": attest.ItemDeviation,   // critical, open 46 days
			}
			if !maps.Equal(results, want) || r.Tally.Mismatches != 0 || r.Params.FixDays["critical"] != 15 {
				t.Fatalf("the vulnerabilities of Q1: %v, tally %+v, params %+v", results, r.Tally, r.Params)
			}
			if !strings.Contains(r.Source, "github-enterprise: no complete collection yet") || !strings.Contains(r.Query, "within 15 days (critical)") {
				t.Errorf("source %q, query %q", r.Source, r.Query)
			}
			stored, err := w.db.LedgerRecord(t.Context(), w.org.ID, ledger.RecordTypePopulation, r.UID)
			if err != nil {
				t.Fatal(err)
			}
			if err := stored.CheckRecord(w.org.Slug); err != nil || !strings.Contains(string(stored.Record), `"fix_days":{"critical":15`) {
				t.Fatalf("the population record: %v\n%.300s", err, stored.Record)
			}

			// A 60-day history starts on 31 January: every repository read
			// is a finding, and the alert of 21 January is not there.
			cols = collect("60")
			r, err = w.svc.Take(t.Context(), w.p, population.Request{Kind: attest.PopulationVulns, AuditID: w.audit.ID})
			if err != nil {
				t.Fatal(err)
			}
			if r.Count != 4 || r.Tally.Mismatches != 4 || !strings.Contains(r.Reconciliation.Findings[0].Why, "opened earlier in the window (from 2026-01-01) are missing") {
				t.Fatalf("a short history: %d rows, %+v", r.Count, r.Reconciliation)
			}
		})
	}
}
