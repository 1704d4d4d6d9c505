package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestDraftCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("draft", "description", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "# Acme: description of Acme system") {
		t.Fatalf("description: %+v", r)
	}
	if r := run("draft", "assertion", "--org", "acme", "--type", "type2", "--from", "2026-01-01", "--to", "2026-02-01"); r.code != 1 ||
		!strings.Contains(r.stderr, "three to twelve months") {
		t.Fatalf("a one-month Type 2: %+v", r)
	}
	if r := run("draft", "assertion", "--org", "acme", "--type", "type1", "--as-of", "2026-03-31", "--format", "pdf"); r.code != 2 || !strings.Contains(r.stderr, "--out") {
		t.Fatalf("a PDF to the terminal: %+v", r)
	}
	out := filepath.Join(dir, "assertion.pdf")
	if r := run("draft", "assertion", "--org", "acme", "--type", "type1", "--as-of", "2026-03-31", "--format", "pdf", "--out", out); r.code != 0 {
		t.Fatalf("assertion PDF: %+v", r)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("the file: %v %.10q", err, b)
	}
	// --audit takes the type and the dates from an audit record.
	if r := run("audit", "create", "--org", "acme", "--name", "FY26", "--from", "2026-01-01", "--to", "2026-12-31"); r.code != 0 {
		t.Fatalf("create the audit: %+v", r)
	}
	if r := run("draft", "assertion", "--org", "acme", "--audit", "1"); r.code != 0 || !strings.Contains(r.stdout, "for the period from 1 January 2026 to 31 December 2026") {
		t.Fatalf("the assertion of audit 1: %+v", r)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--audit", "1", "--type", "type1"}, "leave out --type"},
		{[]string{"--audit", "x"}, "--audit must be an audit's ID"},
		{[]string{"--audit", "9"}, "--audit 9: "},
	} {
		if r := run(append([]string{"draft", "assertion", "--org", "acme"}, bad.args...)...); r.code == 0 || !strings.Contains(r.stderr, bad.want) {
			t.Errorf("draft assertion %v: %+v, want an error with %q", bad.args, r, bad.want)
		}
	}
}

func TestOSCALCommand(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("oscal", "--org", "acme"); r.code != 2 || !strings.Contains(r.stderr, "--document") {
		t.Fatalf("no document: %+v", r)
	}
	if r := run("oscal", "--org", "acme", "--document", "assessment-results", "--framework", "iso27001"); r.code != 1 || !strings.Contains(r.stderr, "not in this organization's scope") {
		t.Fatalf("a framework out of scope: %+v", r)
	}
	out := filepath.Join(dir, "ar.json")
	if r := run("oscal", "--org", "acme", "--document", "assessment-results", "--from", "2026-01-01", "--to", "2026-03-31", "--out", out); r.code != 0 ||
		!strings.Contains(r.stdout, "valid against NIST's OSCAL 1.2.1 schema") {
		t.Fatalf("assessment results: %+v", r)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"start": "2026-01-01T00:00:00Z"`) || !strings.Contains(string(b), `"target-id": "CC1.1"`) {
		t.Fatalf("the file: %v %.300s", err, b)
	}
}
