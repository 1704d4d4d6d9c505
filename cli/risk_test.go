package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

// TestRiskCommands imports a register, refuses a bad file whole, lists and
// exports it, and runs the annual assessment through to the ledger.
func TestRiskCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			must := func(r result) result {
				t.Helper()
				if r.code != 0 {
					t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
				}
				return r
			}
			must(run("org", "create", "acme", "--name", "Acme"))
			for _, u := range []struct{ email, role string }{{"ada@acme.test", "admin"}, {"ceo@acme.test", "admin"}} {
				must(runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", u.email, "--role", u.role, "--password-stdin"))
			}
			bad := writeFile(t, dir, "bad.csv", "title,owner,likelihood,impact,treatment,review_date,approver,accept_expires\n"+
				"Phishing,ada@acme.test,4,4,mitigate,2027-01-01,,\n"+
				"Flood,ada@acme.test,7,2,avoid,2027-01-01,,\n"+
				"Office theft,ada@acme.test,2,2,accept,2027-01-01,ada@acme.test,2027-06-01\n")
			r := run("risk", "import", "--org", "acme", bad)
			if r.code != 1 || !strings.Contains(r.stdout, "3 rows read, 2 rejected; nothing was imported") ||
				!strings.Contains(r.stdout, "line 3: likelihood: 7 is outside the scale (1 to 5)") ||
				!strings.Contains(r.stdout, "line 4: approver: must not be the risk's owner") {
				t.Errorf("a bad file: %+v", r)
			}
			if r := run("risk", "import", "--org", "acme", writeFile(t, dir, "odd.csv", "title,owner,colour\n")); r.code != 1 ||
				!strings.Contains(r.stderr, `unknown column "colour"`) {
				t.Errorf("an unknown column: %+v", r)
			}
			good := writeFile(t, dir, "good.csv", "title,owner,likelihood,impact,residual_likelihood,residual_impact,treatment,review_date,approver,accept_expires\n"+
				"Phishing,ada@acme.test,4,4,2,3,mitigate,2020-01-01,,\n"+
				"Office theft,ada@acme.test,2,2,2,2,accept,2027-01-01,ceo@acme.test,2099-06-01\n")
			if r := must(run("risk", "import", "--org", "acme", good)); !strings.Contains(r.stdout, "2 rows, 2 added, 0 updated") {
				t.Errorf("import: %+v", r)
			}
			if r := run("risk", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "R-1") || !strings.Contains(r.stdout, "16 high") ||
				!strings.Contains(r.stdout, "2020-01-01 (overdue)") {
				t.Errorf("list: %+v", r)
			}
			if r := run("risk", "list", "--org", "acme", "--overdue"); r.code != 1 || strings.Contains(r.stdout, "R-2") {
				t.Errorf("list --overdue: %+v", r)
			}
			if r := must(run("risk", "export", "--org", "acme")); !strings.HasPrefix(r.stdout, "ref,title,") || !strings.Contains(r.stdout, "R-2,Office theft") {
				t.Errorf("export: %+v", r)
			}
			if r := run("risk", "assess", "--org", "acme", "--as", "ada@acme.test", "--approver", "ada@acme.test"); r.code != 1 ||
				!strings.Contains(r.stderr, "someone other than you") {
				t.Errorf("assessing one's own: %+v", r)
			}
			r = must(run("risk", "assess", "--org", "acme", "--as", "ada@acme.test", "--approver", "ceo@acme.test"))
			uid := strings.Fields(strings.TrimPrefix(r.stdout, "submitted the risk assessment "))[0]
			if r := run("risk", "approve", "--org", "acme", "--as", "ada@acme.test", uid); r.code != 1 || !strings.Contains(r.stderr, "named approver") {
				t.Errorf("approved by the submitter: %+v", r)
			}
			if r := must(run("risk", "approve", "--org", "acme", "--as", "ceo@acme.test", uid)); !strings.Contains(r.stdout, "(2 risks); it is in the ledger") {
				t.Errorf("approve: %+v", r)
			}
			must(run("verify", "--org", "acme"))
		})
	}
}
