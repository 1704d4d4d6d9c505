package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

// attest policy import names every broken file in one run and exits 1, and
// a file the service refuses (an owner who is not a member) stores nothing,
// not even the other files' new policies.
func TestPolicyImportRefusals(t *testing.T) {
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
			must(runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", "ada@acme.test", "--role", "admin", "--password-stdin"))
			must(run("policy", "values", "--org", "acme", "--set", "company_name=Acme Corp"))
			must(run("policy", "adopt", "--org", "acme", "--template", "access-control"))

			code := filepath.Join(dir, "policies")
			must(run("policy", "export", "--org", "acme", "--out", code))
			write := func(name, s string) {
				if err := os.WriteFile(filepath.Join(code, name), []byte(s), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write("a.md", "# no front matter\n")
			write("b.md", "---\nkey: b\ntitle: [B\n---\ntext\n")
			r := run("policy", "import", "--org", "acme", code)
			if r.code != 1 || !strings.Contains(r.stderr, "nothing was imported") || !strings.Contains(r.stderr, "a.md line 1") || !strings.Contains(r.stderr, "b.md line ") {
				t.Errorf("two broken files: %+v", r)
			}
			os.Remove(filepath.Join(code, "a.md"))
			os.Remove(filepath.Join(code, "b.md"))

			write("travel.md", "---\nkey: travel\ntitle: Travel\nowner: ada@acme.test\n---\n# Travel\n\nLaptops travel encrypted.\n")
			write("visitors.md", "---\nkey: visitors\ntitle: Visitors\nowner: stranger@else.test\n---\n# Visitors\n\nVisitors sign in.\n")
			r = run("policy", "import", "--org", "acme", code)
			if r.code != 1 || !strings.Contains(r.stderr, "visitors.md: owner: stranger@else.test is not a member") {
				t.Errorf("an owner who is not a member: %+v", r)
			}
			if r := run("policy", "show", "--org", "acme", "travel"); r.code == 0 {
				t.Errorf("a refused import created a policy: %+v", r)
			}
			os.Remove(filepath.Join(code, "visitors.md"))
			if r := must(run("policy", "import", "--org", "acme", code)); !strings.Contains(r.stdout, "1 created") || !strings.Contains(r.stdout, "1 unchanged") {
				t.Errorf("the import once fixed: %s", r.stdout)
			}
		})
	}
}
