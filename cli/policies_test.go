package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

// TestPolicyCommands takes a template from adoption to publication with the
// CLI, and reports who must accept it.
func TestPolicyCommands(t *testing.T) {
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
			for _, u := range []struct{ email, role string }{{"ada@acme.test", "admin"}, {"ceo@acme.test", "admin"}, {"audrey@acme.test", "auditor"}} {
				must(runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", u.email, "--role", u.role, "--password-stdin"))
			}
			must(run("people", "add", "--org", "acme", "--name", "Ada", "--email", "ada@acme.test", "--start-date", "2025-01-06"))
			if r := run("policy", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "acme has no policies") {
				t.Errorf("no policies: %+v", r)
			}
			if r := run("policy", "adopt", "--org", "acme", "--template", "nope"); r.code != 1 || !strings.Contains(r.stderr, `no template "nope"`) {
				t.Errorf("an unknown template: %+v", r)
			}
			must(run("policy", "values", "--org", "acme", "--set", "company_name=Acme Corp"))
			if r := must(run("policy", "adopt", "--org", "acme", "--template", "access-control")); !strings.Contains(r.stdout, "draft 1.0") {
				t.Errorf("adopt: %+v", r)
			}
			if r := run("policy", "submit", "--org", "acme", "--approver", "audrey@acme.test", "access-control"); r.code != 1 || !strings.Contains(r.stderr, "auditor") {
				t.Errorf("an auditor as approver: %+v", r)
			}
			if r := must(run("policy", "submit", "--org", "acme", "--approver", "ceo@acme.test", "access-control")); !strings.Contains(r.stdout, "1 of whom must approve") {
				t.Errorf("submit: %+v", r)
			}
			if r := run("policy", "approve", "--org", "acme", "--as", "ada@acme.test", "access-control"); r.code != 1 || !strings.Contains(r.stderr, "not an approver") {
				t.Errorf("approval by someone not named: %+v", r)
			}
			must(run("policy", "approve", "--org", "acme", "--as", "ceo@acme.test", "--comment", "ok", "access-control"))
			if r := must(run("policy", "publish", "--org", "acme", "access-control")); !strings.Contains(r.stdout, "published access-control 1.0") {
				t.Errorf("publish: %+v", r)
			}
			r := must(run("policy", "show", "--org", "acme", "access-control"))
			if !strings.Contains(r.stdout, "published") || !strings.Contains(r.stdout, "1/1") {
				t.Errorf("show: %s", r.stdout)
			}
			if r := must(run("policy", "show", "--org", "acme", "--json", "access-control")); !strings.Contains(r.stdout, "Acme Corp") {
				t.Errorf("show --json lacks the filled text: %s", r.stdout)
			}
			r = must(run("policy", "acknowledgements", "--org", "acme"))
			if !strings.Contains(r.stdout, "ada@acme.test") || !strings.Contains(r.stdout, "pending") {
				t.Errorf("acknowledgements: %s", r.stdout)
			}
			if r := must(run("policy", "diff", "--org", "acme", "--from", "1.0", "access-control")); !strings.Contains(r.stdout, "--- access-control 1.0 (published)") ||
				!strings.Contains(r.stdout, "0 lines removed, 0 added") || !strings.Contains(r.stdout, " Acme Corp") {
				t.Errorf("diff of a version with itself: %s", r.stdout)
			}
			if r := run("policy", "diff", "--org", "acme", "--to", "9.9", "access-control"); r.code != 1 || !strings.Contains(r.stderr, `--to: access-control has no version "9.9"`) {
				t.Errorf("diff to an unknown version: %+v", r)
			}
			pdf := filepath.Join(dir, "policies.pdf")
			if r := must(run("policy", "print", "--org", "acme", "--out", pdf)); !strings.Contains(r.stderr, "1 policy") {
				t.Errorf("print: %+v", r)
			}
			if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Errorf("the printed file: %v %.20q", err, b)
			}
			if r := must(run("policy", "print", "--org", "acme", "--format", "md", "access-control")); !strings.Contains(r.stdout, "## Approval of version 1.0") {
				t.Errorf("print as Markdown: %s", r.stdout)
			}
			if r := run("policy", "print", "--org", "acme", "--format", "pdf"); r.code != 2 || !strings.Contains(r.stderr, "--out is required") {
				t.Errorf("a PDF to the terminal: %+v", r)
			}
			if r := must(run("policy", "acknowledgements", "--org", "acme", "--format", "csv")); !strings.Contains(r.stdout, "Ada,ada@acme.test,,access-control") {
				t.Errorf("the report as CSV: %s", r.stdout)
			}
			// Policies as code: export, edit, import; a broken file stops it all.
			code := filepath.Join(dir, "policies")
			if r := must(run("policy", "export", "--org", "acme", "--out", code)); !strings.Contains(r.stdout, "wrote 1 policies") {
				t.Errorf("export: %s", r.stdout)
			}
			file := filepath.Join(code, "access-control.md")
			text, err := os.ReadFile(file)
			if err != nil || !strings.Contains(string(text), "key: access-control") || !strings.Contains(string(text), "{{company_name}}") {
				t.Fatalf("the exported file: %v\n%s", err, text)
			}
			if r := must(run("policy", "import", "--org", "acme", code)); !strings.Contains(r.stdout, "1 unchanged") {
				t.Errorf("an unchanged import: %s", r.stdout)
			}
			os.WriteFile(file, []byte(strings.Replace(string(text), "least access", "least access, and no more,", 1)), 0o600)
			os.WriteFile(filepath.Join(code, "travel.md"), []byte("---\nkey: travel\ntitle: Travel\nownr: ada@acme.test\n---\n# Travel\n"), 0o600)
			if r := run("policy", "import", "--org", "acme", code); r.code != 1 || !strings.Contains(r.stderr, "travel.md line 4: front matter: field ownr not found") {
				t.Errorf("a broken file: %+v", r)
			}
			if r := must(run("policy", "show", "--org", "acme", "access-control")); strings.Contains(r.stdout, "draft") {
				t.Errorf("a refused import saved a draft: %s", r.stdout)
			}
			os.Remove(filepath.Join(code, "travel.md"))
			// A check says what an import would do and stores nothing.
			if r := must(run("policy", "import", "--org", "acme", "--check", code)); !strings.Contains(r.stdout, "checked (nothing stored) 1 files: 0 created, 0 changed, 1 new drafts") {
				t.Errorf("a check: %s", r.stdout)
			}
			if r := must(run("policy", "show", "--org", "acme", "access-control")); strings.Contains(r.stdout, "draft") {
				t.Errorf("a check saved a draft: %s", r.stdout)
			}
			if r := must(run("policy", "import", "--org", "acme", code)); !strings.Contains(r.stdout, "1 new drafts") || !strings.Contains(r.stdout, "draft 1.1") {
				t.Errorf("an edited text: %s", r.stdout)
			}
			// Nobody is overdue yet: --overdue exits 0.
			must(run("policy", "acknowledgements", "--org", "acme", "--overdue"))
		})
	}
}
