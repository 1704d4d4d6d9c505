package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
)

func TestIncidentCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("incident", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "acme has no incidents") {
		t.Fatalf("empty: %+v", r)
	}
	bad := writeFile(t, dir, "bad.csv", "title,severity,detected_at,resolved_at,status\nok,sev3,2026-01-02,,\nbad,sev2,2026-01-05 10:00,2026-01-04 10:00,resolved\n")
	if r := run("incident", "import", "--org", "acme", bad); r.code != 1 || !strings.Contains(r.stderr, "line 3: resolved_at") {
		t.Fatalf("bad import: %+v", r)
	}
	good := writeFile(t, dir, "good.csv", "title,severity,detected_at,resolved_at,status\nPhishing,sev2,2026-01-05 10:00,2026-01-05 16:00,resolved\n")
	if r := run("incident", "import", "--org", "acme", good); r.code != 0 || !strings.Contains(r.stdout, "1 incidents") {
		t.Fatalf("import: %+v", r)
	}
	if r := run("incident", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "Phishing") || strings.Contains(r.stdout, "ok") ||
		!strings.Contains(r.stdout, "resolved without a post-mortem") || !strings.Contains(r.stdout, "6h") {
		t.Fatalf("list: %+v", r)
	}
	if r := run("incident", "export", "--org", "acme"); r.code != 0 || !strings.HasPrefix(r.stdout, "id,title,") || !strings.Contains(r.stdout, "Phishing") {
		t.Fatalf("export: %+v", r)
	}
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	if r := run("exercise", "list", "--org", "acme", "--check"); r.code != 1 || !strings.Contains(r.stdout, "incident_response: never held") {
		t.Fatalf("nothing held: %+v", r)
	}
	if r := run("exercise", "record", "--org", "acme", "--kind", "incident_response", "--held-on", "2026-01-10", "--title", "Tabletop",
		"--scenario", "Ransomware"); r.code == 0 || !strings.Contains(r.stderr, "participant") {
		t.Fatalf("no participants: %+v", r)
	}
	r := run("exercise", "record", "--org", "acme", "--kind", "incident_response", "--held-on", "2026-01-10", "--title", "Tabletop",
		"--scenario", "Ransomware", "--participant", "Ada", "--participant", "Ben")
	if r.code != 0 || !strings.Contains(r.stdout, "next incident response exercise is due 2027-01-10") {
		t.Fatalf("record: %+v", r)
	}
	if r := run("exercise", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "incident_response: last held 2026-01-10; next due 2027-01-10") {
		t.Fatalf("list: %+v", r)
	}
}
