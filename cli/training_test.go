package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestTrainingAndBackgroundCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, who := range [][]string{{"Ada", "ada@acme.test"}, {"Bob", "bob@acme.test"}} {
		if r := run("people", "add", "--org", "acme", "--name", who[0], "--email", who[1], "--start-date", "2025-01-06"); r.code != 0 {
			t.Fatal(r.stderr)
		}
	}
	if r := run("training", "list", "--org", "acme", "--overdue"); r.code != 1 || !strings.Contains(r.stdout, "ada@acme.test") ||
		!strings.Contains(r.stderr, "2 people are overdue") {
		t.Fatalf("everyone overdue: %+v", r)
	}
	if r := run("training", "record", "--org", "acme", "--email", "ada@acme.test", "--course", "Phishing 101", "--completed-on", "2025-01-20"); r.code != 2 {
		t.Fatalf("neither certificate nor link: %+v", r)
	}
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	cert := writeFile(t, dir, "cert.pdf", "%PDF certificate")
	if r := run("training", "record", "--org", "acme", "--email", "ada@acme.test", "--course", "Phishing 101", "--completed-on",
		"2025-01-20", "--certificate", cert); r.code != 0 || !strings.Contains(r.stdout, "recorded that Ada completed Phishing 101") {
		t.Fatalf("record: %+v", r)
	}
	if r := run("training", "list", "--org", "acme", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"last_course": "Phishing 101"`) {
		t.Fatalf("list: %+v", r)
	}
	bad := writeFile(t, dir, "bad.csv", "email,provider,status,checked_on\nada@acme.test,Checkr,clear,2025-01-02\nbob@acme.test,Checkr,maybe,\n")
	if r := run("background", "import", "--org", "acme", bad); r.code != 1 || !strings.Contains(r.stdout, "line 3: bob@acme.test: status must be") {
		t.Fatalf("a bad row: %+v", r)
	}
	good := writeFile(t, dir, "good.csv", "email,provider,status,checked_on,exempt_reason\nada@acme.test,Checkr,clear,2025-01-02,\nbob@acme.test,,exempt,,Agency contractor\n")
	if r := run("background", "import", "--org", "acme", good); r.code != 0 || !strings.Contains(r.stdout, "2 rows, 2 new") {
		t.Fatalf("import: %+v", r)
	}
	if r := run("background", "list", "--org", "acme", "--overdue"); r.code != 0 || strings.Contains(r.stdout, "ada@acme.test") {
		t.Fatalf("nobody overdue: %+v", r)
	}
}
