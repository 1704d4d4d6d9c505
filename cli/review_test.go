package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
)

func TestReviewCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runCLI(t, vars, "a long password\n", "user", "create", "--org", "acme", "--email", "ada@acme.test", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	if r := run("review", "list", "--org", "acme", "--overdue"); r.code != 1 || !strings.Contains(r.stdout, "next access review due now") {
		t.Fatalf("never reviewed: %+v", r)
	}
	if r := run("review", "cadence", "--org", "acme", "--months", "13"); r.code != 1 || !strings.Contains(r.stderr, "want 1 to 12 months") {
		t.Fatalf("a cadence of 13 months: %+v", r)
	}
	if r := run("review", "cadence", "--org", "acme", "--months", "6"); r.code != 0 || !strings.Contains(r.stdout, "every 6 month(s)") {
		t.Fatalf("cadence: %+v", r)
	}
	bad := writeFile(t, dir, "bad.csv", "login,admin\nroot,yes\nops,sometimes\n")
	if r := run("review", "start", "--org", "acme", "--upload", bad, "--upload-system", "Billing DB", "--upload-owner", "ada@acme.test"); r.code != 1 ||
		!strings.Contains(r.stderr, "line 3: admin") {
		t.Fatalf("a bad list: %+v", r)
	}
	good := writeFile(t, dir, "good.csv", "login,admin\nroot,yes\nops,no\n")
	r := run("review", "start", "--org", "acme", "--upload", good, "--upload-system", "Billing DB", "--upload-owner", "ada@acme.test", "--title", "Q4")
	if r.code != 0 || !strings.Contains(r.stdout, "2 accounts in 1 system(s)") {
		t.Fatalf("start: %+v", r)
	}
	uid := strings.Fields(strings.TrimPrefix(r.stdout, "started the access review "))[0]
	if r := run("review", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, uid) || !strings.Contains(r.stdout, "0/2") {
		t.Fatalf("list: %+v", r)
	}
	if r := run("review", "report", "--org", "acme", uid); r.code != 0 || !strings.HasPrefix(r.stdout, "system,source,login,") ||
		!strings.Contains(r.stdout, "Billing DB,upload,root,,,true,,ada,") {
		t.Fatalf("report: %+v", r)
	}
}
