package ui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// An audit's page says which readiness its package reports: the one
// recorded on the day of the report, one still to be recorded, or, when none
// was, the readiness of the download.
func TestAuditPageSaysWhichReadinessThePackageReports(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			mgr := e.Login("manager")
			create := func(name, asOf string) string {
				a := attest.Audit{OrgID: e.Alpha.ID, Name: name, Framework: "soc2", Type: attest.AuditType1, AsOf: asOf, Firm: "Firm", Status: attest.AuditFieldwork}
				if err := e.DB.CreateAudit(ctx, &a); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("/o/alpha/audits/%d", a.ID)
			}
			today, past := create("Today", webtest.Start.Format(attest.DateLayout)), create("Past", "2026-05-20")
			// An audit closed before its day is not recorded for, and says so.
			closed := create("Closed", "2026-06-10")
			if res := mgr.Post(closed, url.Values{"status": {"closed"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("close: %d %.300s", res.StatusCode, res.Text)
			}
			says := func(page, want string) {
				t.Helper()
				res := mgr.Get(page)
				if !strings.Contains(res.Text, want) {
					t.Errorf("%s does not say %q:\n%.400s", page, want, res.Text[max(0, strings.Index(res.Text, `id="report-day-readiness"`)):])
				}
			}
			says(today, "Readiness is recorded each hour through 2026-06-01, the day of the report, while Attest runs; the package will report the day&#39;s last recording.")
			says(past, "No readiness was recorded on 2026-05-20")
			says(closed, "No readiness was recorded on 2026-06-10, the day of the report (Attest was not running that day, the audit was created after it, or it closed before it)")

			r := &programme.Readiness{DB: e.DB, Catalog: cat}
			if n, err := r.RecordReportDays(ctx); err != nil || n != 1 {
				t.Fatalf("recording: %d, %v", n, err)
			}
			a, err := r.Assess(ctx, e.Alpha.ID)
			if err != nil {
				t.Fatal(err)
			}
			says(today, fmt.Sprintf("Readiness on 2026-06-01, the day of the report: %d%%, last recorded 2026-06-01 09:00 UTC and recorded again each hour", a.Percent))
			e.Clock.Advance(48 * time.Hour)
			mgr = e.Login("manager") // the session has expired
			says(today, fmt.Sprintf("Readiness on 2026-06-01, the day of the report: %d%%, last recorded 2026-06-01 09:00 UTC. The package reports it.", a.Percent))
			says(past, "No readiness was recorded on 2026-05-20")
		})
	}
}
