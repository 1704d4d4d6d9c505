package monitor_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// A configuration capture reads monitoring as it stands, through the real
// collections, results, exceptions and snapshot records: each verdict is a
// row judged on the latest collection, a failure past its deadline a
// deviation, one under an approved exception or unverifiable never one; a
// stale or failed collection is a finding; and it is refused once the
// audit's window has closed, naming the day it closed.
func TestConfigurationCapture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		dbConn := storetest.MustConnection(t, db, w.org, "github-acme")
		dbConn.Type = "fake"
		w.connID = dbConn.ID
		w.svc.Connections.(*conns).byID[dbConn.ID] = dbConn
		private := repo("acme/private", false, 0)
		delete(private.Data, "branch")
		private.Unavailable = map[string]string{"branch": "branch protection needs GitHub Pro for private repositories"}
		w.conn.set(repo("acme/api", true, 1), repo("acme/legacy", false, 0), private)
		w.run(t) // acme/legacy fails both tests from now on
		w.now = w.now.AddDate(0, 0, 31)
		w.run(t)
		e, err := w.svc.RequestException(ctx, w.manager, monitor.ExceptionRequest{Test: "t.protected",
			Resource: attest.ResourceRef{Type: "github.repository", Key: "acme/legacy"}, Reason: "A read-only mirror.", ExpiresAt: w.now.AddDate(0, 1, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ApproveException(ctx, w.admin, e.UID); err != nil {
			t.Fatal(err)
		}

		audit := attest.Audit{OrgID: w.org.ID, Name: "FY26", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-12-31", Status: attest.AuditFieldwork}
		if err := db.CreateAudit(ctx, &audit); err != nil {
			t.Fatal(err)
		}
		pop := &population.Service{DB: db, Ledger: w.svc.Ledger, Now: w.clock, Capture: w.svc.CaptureConnections}
		take := func() (attest.PopulationRetrieval, error) {
			return pop.Take(ctx, w.admin, population.Request{Kind: attest.PopulationConfiguration, AuditID: audit.ID})
		}
		w.now = w.now.Add(30 * time.Minute)
		r, err := take()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, x := range r.Results {
			got[x.Item] = x.Result
		}
		want := map[string]string{
			"github-acme:t.protected:github.repository/acme/api":     attest.ItemPass,
			"github-acme:t.approvals:github.repository/acme/api":     attest.ItemPass,
			"github-acme:t.protected:github.repository/acme/legacy":  attest.ItemNotTestable, // under the approved exception
			"github-acme:t.approvals:github.repository/acme/legacy":  attest.ItemDeviation,   // failing for 31 days
			"github-acme:t.protected:github.repository/acme/private": attest.ItemNotTestable, // unverifiable
			"github-acme:t.approvals:github.repository/acme/private": attest.ItemNotTestable,
		}
		if len(got) != len(want) || r.Tally.Mismatches != 0 || r.Params.RemediationDays != attest.RemediationDays {
			t.Fatalf("the capture: %v, %+v, params %+v", got, r.Reconciliation, r.Params)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s, want %s", k, got[k], v)
			}
		}
		latest, err := w.svc.LatestComplete(ctx, w.org.ID, w.connID)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range r.Rows {
			if c := row.Capture; c.Collection != latest.UID || c.SnapshotSHA256 != latest.SnapshotSHA256 || len(c.Controls) != 1 || c.Controls[0] != "CHG-1" {
				t.Fatalf("row %s: %+v, want the latest collection %s", row.ID, c, latest.UID)
			}
		}
		stored, err := db.LedgerRecord(ctx, w.org.ID, ledger.RecordTypePopulation, r.UID)
		if err != nil {
			t.Fatal(err)
		}
		if err := stored.CheckRecord(w.org.Slug); err != nil || !strings.Contains(string(stored.Record), `"snapshot_sha256":"`+latest.SnapshotSHA256) {
			t.Fatalf("the capture's record: %v\n%.300s", err, stored.Record)
		}
		back, err := pop.Get(ctx, w.admin, r.ID)
		if err != nil || len(back.Rows) != 6 || back.Rows[0].Capture == nil || back.Params.CapturedAt.IsZero() {
			t.Fatalf("read back: %v %+v", err, back.Params)
		}

		// A capture is tested whole: no sample of it is drawn.
		if _, err := pop.Sample(ctx, w.admin, audit.ID, r.ID, population.SampleRequest{ControlID: 1}); attest.ErrorCode(err) != attest.EINVALID ||
			!strings.Contains(err.Error(), "tested whole") {
			t.Errorf("a sample of a capture: %v", err)
		}

		// Three hours without a collection: stale, a finding, and no verdict
		// of it passes.
		w.now = w.now.Add(3 * time.Hour)
		if r, err = take(); err != nil {
			t.Fatal(err)
		}
		if r.Tally.Mismatches != 1 || !strings.Contains(r.Reconciliation.Findings[0].Why, "stale") || r.Tally.Passed != 0 || r.Tally.Deviations != 0 {
			t.Fatalf("stale: %+v %+v", r.Tally, r.Reconciliation.Findings)
		}

		// A failed collection is a finding, its errors not deviations.
		w.conn.err = errors.New("GET /orgs/acme/repos: 502 Bad Gateway")
		w.run(t)
		w.now = w.now.Add(time.Minute)
		if r, err = take(); err != nil {
			t.Fatal(err)
		}
		if r.Tally.Deviations != 0 || !strings.Contains(r.Reconciliation.Note, "finding") ||
			!strings.Contains(findings(r), "failed collection: its latest collection") {
			t.Fatalf("failed: %+v %s", r.Tally, findings(r))
		}

		// Once the window has closed, a capture is refused, naming the day.
		w.now = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := take(); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "closed on 2026-12-31") {
			t.Fatalf("a capture after the window: %v", err)
		}
	})
}

func findings(r attest.PopulationRetrieval) string {
	var out []string
	for _, f := range r.Reconciliation.Findings {
		out = append(out, f.Item+": "+f.Why)
	}
	return strings.Join(out, "\n")
}
