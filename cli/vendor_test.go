package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestVendorCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	bad := writeFile(t, dir, "bad.csv", "name,criticality,data_shared\nMailer,high,personal-data\nPayCo,severe,\n")
	if r := run("vendor", "import", "--org", "acme", bad); r.code != 1 || !strings.Contains(r.stdout, "line 3: PayCo: criticality must be") {
		t.Fatalf("a bad row: %+v", r)
	}
	if r := run("vendor", "list", "--org", "acme", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("nothing was stored: %+v", r)
	}
	good := writeFile(t, dir, "good.csv", "name,criticality,data_shared,services,location,contract_end\n"+
		"Mailer,high,personal-data,Transactional email,EU,2099-01-01\nDesignTool,low,,Design,,\n")
	if r := run("vendor", "import", "--org", "acme", good); r.code != 0 || !strings.Contains(r.stdout, "2 rows, 2 added") {
		t.Fatalf("import: %+v", r)
	}
	if r := run("vendor", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "Mailer") || !strings.Contains(r.stdout, "never") {
		t.Fatalf("list: %+v", r)
	}
	if r := run("vendor", "subprocessors", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "| Mailer | Transactional email | personal data | EU |") ||
		strings.Contains(r.stdout, "DesignTool") {
		t.Fatalf("subprocessors: %+v", r)
	}
	if r := run("vendor", "export", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "Mailer,,high,personal-data,Transactional email,EU,,2099-01-01") {
		t.Fatalf("export: %+v", r)
	}
}
