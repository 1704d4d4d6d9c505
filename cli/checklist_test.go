package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestChecklistCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	if r := run("people", "add", "--org", "acme", "--name", "Ada", "--email", "ada@acme.test", "--start-date", "2025-02-03"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("checklist", "defaults", "--org", "acme", "--since", "2025-13-01"); r.code != 1 || !strings.Contains(r.stderr, "since") {
		t.Fatalf("a bad day: %+v", r)
	}
	if r := run("checklist", "defaults", "--org", "acme", "--since", "2025-01-01"); r.code != 0 || !strings.Contains(r.stdout, "6 template(s) created") {
		t.Fatalf("defaults: %+v", r)
	}
	r := run("checklist", "list", "--org", "acme", "--overdue")
	if r.code != 1 || !strings.Contains(r.stdout, "ada@acme.test") || !strings.Contains(r.stderr, "1 checklist(s) have a step past its deadline") {
		t.Fatalf("list: %+v", r)
	}
	m := regexp.MustCompile(`(\d+) Hand over a managed laptop`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no laptop step in %s", r.stdout)
	}
	if r := run("checklist", "close", "--org", "acme", "--email", "ada@acme.test", "--step", "x", "--note", "n"); r.code != 2 {
		t.Fatalf("a step that is no number: %+v", r)
	}
	if r := run("checklist", "close", "--org", "acme", "--email", "ada@acme.test", "--step", m[1]); r.code != 1 || !strings.Contains(r.stderr, "note") {
		t.Fatalf("no note: %+v", r)
	}
	if r := run("checklist", "close", "--org", "acme", "--email", "ada@acme.test", "--step", m[1], "--note", "Laptop SN-1"); r.code != 0 {
		t.Fatalf("close: %+v", r)
	}
	if r := run("checklist", "list", "--org", "acme", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"note": "Laptop SN-1"`) {
		t.Fatalf("list after closing: %+v", r)
	}
	if r := run("checklist", "observe", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "0 step(s) verified") {
		t.Fatalf("observe with no connection: %+v", r)
	}
}
