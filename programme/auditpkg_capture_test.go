package programme_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

// A configuration capture taken within the window speaks for the controls
// its tests map to, each for its own rows, in the audit's results; its
// package verifies, and a capture row edited in both places (a failing
// setting shown passing) is refused against its ledger record.
func TestAuditPackageHoldsACaptureToItsRecord(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			cat, err := catalog.Load()
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			now := time.Date(2026, 6, 20, 9, 0, 0, 123456789, time.UTC)
			clock := func() time.Time { return now }
			db := storetest.Open(t, d, clock)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			org := storetest.MustOrg(t, db, "acme")
			for _, ref := range []string{"CHG-1", "IAM-1"} {
				ctl := storetest.Control(org, ref)
				ctl.Status = attest.StatusImplemented
				ctl.Mappings = []attest.Mapping{{Framework: "soc2", Requirement: map[string]string{"CHG-1": "CC8.1", "IAM-1": "CC6.1"}[ref], Source: attest.SourceLibrary}}
				if err := db.CreateControl(ctx, &ctl); err != nil {
					t.Fatal(err)
				}
			}
			audit := attest.Audit{OrgID: org.ID, Name: "FY26 H1", Framework: "soc2", Type: attest.AuditType2, From: "2026-01-01", To: "2026-06-30", Status: attest.AuditFieldwork}
			if err := db.CreateAudit(ctx, &audit); err != nil {
				t.Fatal(err)
			}
			col := attest.CollectionRun{UID: "col_00000000000000000001", StartedAt: now.Add(-20 * time.Minute), SnapshotSHA256: strings.Repeat("a", 64)}
			res := func(test, key string, status attest.ResultStatus, since time.Time) attest.TestResult {
				return attest.TestResult{Test: test, Resource: attest.ResourceRef{Type: "github.repository", Key: key}, Status: status,
					Message: string(status), Since: since, Collection: col.UID}
			}
			conn := attest.CaptureConnection{Connection: attest.Connection{Name: "github", Type: "github", IntervalMinutes: 60}, Latest: col, Complete: col,
				Collections: map[string]attest.CollectionRun{col.UID: col},
				Results: []attest.TestResult{
					res("t.protected", "acme/api", attest.ResultFail, now.AddDate(0, -2, 0)), // a deviation of CHG-1
					res("t.mfa", "acme/api", attest.ResultPass, now.AddDate(0, -2, 0)),
				},
				Tests: map[string]attest.CaptureTest{"t.protected": {Title: "Default branch protected", Controls: []string{"CHG-1"}},
					"t.mfa": {Title: "MFA", Controls: []string{"IAM-1"}}}}
			pops := &population.Service{DB: db, Ledger: ev.Ledger, Now: clock,
				Capture: func(context.Context, attest.Principal) ([]attest.CaptureConnection, error) {
					return []attest.CaptureConnection{conn}, nil
				}}
			p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
			pop, err := pops.Take(ctx, p, population.Request{Kind: attest.PopulationConfiguration, AuditID: audit.ID})
			if err != nil || pop.Count != 2 || pop.Tally.Deviations != 1 || pop.Tally.Passed != 1 {
				t.Fatalf("take: %+v, %v", pop.Tally, err)
			}
			audits := programme.Audits{DB: db, Catalog: cat, Now: clock, Populations: pops}
			results, err := audits.Results(ctx, p, audit.ID)
			if err != nil {
				t.Fatal(err)
			}
			byRef := map[string]attest.ControlResult{}
			for _, c := range results.Controls {
				byRef[c.Ref] = c
			}
			if c := byRef["CHG-1"]; c.Result != attest.AuditResultDeviation || c.Populations != 1 || len(c.Deviations) != 1 ||
				!strings.Contains(c.Deviations[0].Item, "t.protected") {
				t.Errorf("CHG-1: %+v", c)
			}
			if c := byRef["IAM-1"]; c.Result != attest.AuditResultPass || c.Populations != 1 || len(c.Deviations) != 0 {
				t.Errorf("IAM-1, whose only setting passes: %+v", c)
			}

			pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: ev, Now: clock, Audits: audits}
			var buf bytes.Buffer
			if _, _, err := pkgs.ExportAudit(ctx, p, audit.ID, &buf); err != nil {
				t.Fatal(err)
			}
			tp := testingPackage{data: buf.Bytes(), pub: ev.Key.Public().(ed25519.PublicKey), pop: pop}
			if _, err := tp.verify(tp.data); err != nil {
				t.Fatalf("verify a package with a capture: %v", err)
			}
			i := 0
			if pop.Rows[0].Capture.Status != string(attest.ResultFail) {
				i = 1
			}
			edited := editTesting(t, tp.data, func(tst *auditpkg.Testing) {
				tst.Populations[0].Rows[i].Capture.Status = string(attest.ResultPass)
			})
			want := "population " + pop.UID + " row " + string(rune('1'+i)) + " (" + pop.Rows[i].ID + ") differs from the one its ledger record holds"
			if _, err := tp.verify(edited); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("a capture row edited: %v, want %q", err, want)
			}
		})
	}
}
