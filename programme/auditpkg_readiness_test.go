package programme_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/export/oscal"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store/storetest"
)

// A package exported after its report's day reports readiness as it was
// recorded on that day, not as it is when exported; a day nothing was
// recorded on is reported as of the export, and says so.
func TestAuditPackageReportsReadinessOfItsDay(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clock := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
			db := storetest.Open(t, d, func() time.Time { return clock })
			ctx := t.Context()
			svc := evidencetest.NewService(t, db)
			org := storetest.MustOrg(t, db, "acme")
			a1 := storetest.MustControl(t, db, org, "A-1", attest.StatusInProgress)
			audit := attest.Audit{OrgID: org.ID, Name: "Type 1", Framework: "soc2", Type: attest.AuditType1, AsOf: "2026-01-20",
				Firm: "Firm", Status: attest.AuditFieldwork}
			if err := db.CreateAudit(ctx, &audit); err != nil {
				t.Fatal(err)
			}
			r := &programme.Readiness{DB: db, Catalog: cat}
			if n, err := r.RecordReportDays(ctx); err != nil || n != 1 {
				t.Fatalf("recording on the day: %d, %v", n, err)
			}
			then, err := r.Assess(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}

			// After the day A-1 is done and shown, and readiness rises.
			clock = time.Date(2026, 1, 25, 9, 0, 0, 0, time.UTC)
			if n, err := r.RecordReportDays(ctx); err != nil || n != 0 {
				t.Errorf("recording on a day no audit reports on: %d, %v", n, err)
			}
			a1.Status = attest.StatusImplemented
			if err := db.UpdateControl(ctx, &a1); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Add(ctx, evidence.New{Org: org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: "Review",
				Filename: "r.txt", ControlIDs: []int64{a1.ID}}, strings.NewReader("review")); err != nil {
				t.Fatal(err)
			}
			now, err := r.Assess(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			stateOf := func(res []auditpkg.Control) string {
				for _, c := range res {
					if c.Ref == "A-1" {
						return c.State
					}
				}
				return ""
			}
			a1State := func(a programme.Assessment) string {
				i := slices.IndexFunc(a.Controls, func(c readiness.ControlResult) bool { return c.Ref == "A-1" })
				return a.Controls[i].State
			}
			thenState, nowState := a1State(then), a1State(now)
			if thenState == nowState {
				t.Fatalf("A-1 is %s both on the day and after it: the test shows nothing", nowState)
			}

			pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: svc, Now: func() time.Time { return clock }}
			p := attest.SystemPrincipal(org.ID, "test", attest.ViaCLI)
			export := func(asOf string) (auditpkg.Readiness, string, []auditpkg.Control, string) {
				t.Helper()
				var buf bytes.Buffer
				if _, err := pkgs.Export(ctx, p, auditpkg.Input{Type: auditpkg.Type1, AsOf: asOf}, &buf); err != nil {
					t.Fatal(err)
				}
				files := readZip(t, buf.Bytes())
				var rd auditpkg.Readiness
				if err := json.Unmarshal(readMember(t, files[auditpkg.ReadinessFile]), &rd); err != nil {
					t.Fatal(err)
				}
				var idx struct {
					Criteria []struct {
						Controls []auditpkg.Control `json:"controls"`
					} `json:"criteria"`
				}
				if err := json.Unmarshal(readMember(t, files[auditpkg.IndexFile]), &idx); err != nil {
					t.Fatal(err)
				}
				var controls []auditpkg.Control
				for _, cr := range idx.Criteria {
					controls = append(controls, cr.Controls...)
				}
				results := readMember(t, files[auditpkg.ResultsFile])
				if err := oscal.Validate(oscal.KindResults, results); err != nil {
					t.Errorf("assessment results: %v", err)
				}
				return rd, string(readMember(t, files[auditpkg.PageFile])), controls, string(results)
			}

			rd, page, controls, _ := export("2026-01-21")
			if rd.Day != "" || !rd.RecordedAt.IsZero() || rd.Percent != now.Percent {
				t.Errorf("readiness.json of a day nothing was recorded on: %+v, want %d%% as generated", rd, now.Percent)
			}
			if got := stateOf(controls); got != nowState {
				t.Errorf("A-1 in the package of an unrecorded day: %s, want %s", got, nowState)
			}
			if !strings.Contains(page, "Readiness when generated") {
				t.Errorf("index.html of an unrecorded day does not say its readiness is of the export")
			}

			// A-1 is retired after the day: the day's package still lists it.
			if err := db.SetControlRetired(ctx, org.ID, a1.ID, true); err != nil {
				t.Fatal(err)
			}
			rd, page, controls, results := export("2026-01-20")
			recordedAt := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
			if rd.Day != "2026-01-20" || !rd.RecordedAt.Equal(recordedAt) || rd.Percent != then.Percent {
				t.Errorf("readiness.json of the recorded day: %+v, want %d%% recorded %v", rd, then.Percent, recordedAt)
			}
			if got := stateOf(controls); got != thenState {
				t.Errorf("A-1 in the package: %s, want %s as on the day", got, thenState)
			}
			if !strings.Contains(page, "Readiness on 2026-01-20 (recorded 10:00 UTC that day)") {
				t.Errorf("index.html does not say which day its readiness is of")
			}
			if !strings.Contains(results, "on 2026-01-20 (recorded 2026-01-20T10:00:00Z)") || !strings.Contains(results, `"collected": "2026-01-20T10:00:00Z"`) {
				t.Errorf("the assessment results do not carry the day's readiness:\n%.2000s", results)
			}

		})
	}
}
