package cli

import (
	"path/filepath"

	"github.com/attest-hq/attest/app"
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestAuditCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if r := runCLI(t, vars, "", "audit", "create", "--org", "acme", "--name", "Too short", "--from", "2026-01-01", "--to", "2026-02-28"); r.code != 1 ||
				!strings.Contains(r.stderr, "at least 3 months") {
				t.Fatalf("a two-month window: %+v", r)
			}
			r := runCLI(t, vars, "", "audit", "create", "--org", "acme", "--name", "SOC 2 2026", "--from", "2026-01-01", "--to", "2026-12-31", "--firm", "Ledger & Co")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "audit 1: SOC 2 2026, soc2 Type 2 2026-01-01 to 2026-12-31, planning") {
				t.Fatalf("create: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "Ledger & Co") {
				t.Fatalf("list: %+v", r)
			}
			if r := runCLI(t, vars, "correct horse battery staple\n", "user", "create", "--org", "acme", "--email", "lead@acme.test", "--name", "Lead", "--role", "manager", "--password-stdin"); r.code != 0 {
				t.Fatalf("user: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "invite", "--org", "acme", "--audit", "1", "--as", "lead@acme.test", "--email", "ana@ledger.test"); r.code != 0 ||
				!strings.Contains(r.stdout, "/invitations/") {
				t.Fatalf("invite: %+v", r)
			}
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(vars["ATTEST_DATA_DIR"], ""), true); err != nil {
				t.Fatal(err)
			}
			pkg := filepath.Join(t.TempDir(), "audit.zip")
			if r := runCLI(t, vars, "", "audit", "export", "--org", "acme", "--audit", "1", "--from", "2026-01-01", "--out", pkg); r.code != 2 || !strings.Contains(r.stderr, "--audit names") {
				t.Fatalf("export with --audit and dates: %+v", r)
			}
			// (A package of an audit is exported in web/ui's TestAuditorInvitedIntoOneAudit.)
			if r := runCLI(t, vars, "", "audit", "export", "--org", "acme", "--audit", "99", "--out", pkg); r.code != 1 || !strings.Contains(r.stderr, "audit not found") {
				t.Fatalf("export of an unknown audit: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "status", "--org", "acme", "--audit", "1", "--to", "closed"); r.code != 0 || !strings.Contains(r.stdout, "is closed") {
				t.Fatalf("close: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "status", "--org", "acme", "--audit", "1", "--to", "fieldwork"); r.code != 1 || !strings.Contains(r.stderr, "closed") {
				t.Fatalf("reopen: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "show", "--org", "acme", "--audit", "x"); r.code != 2 || !strings.Contains(r.stderr, "--audit") {
				t.Fatalf("a bad --audit: %+v", r)
			}
			if r := runCLI(t, vars, "", "audit", "show", "--org", "acme", "--audit", "1", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"ana@ledger.test"`) {
				t.Fatalf("show: %+v", r)
			}
			// Which readiness the package reports: the window's last day's.
			if r := runCLI(t, vars, "", "audit", "show", "--org", "acme", "--audit", "1"); r.code != 0 || !strings.Contains(r.stdout, "2026-12-31, the day of the report") {
				t.Fatalf("show: %+v", r)
			}
		})
	}
}
