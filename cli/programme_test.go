package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

// The readiness command reports the same figures as the API's document and
// gates CI with --min.
func TestReadinessCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			r := runCLI(t, vars, "", "readiness", "--org", "acme", "--json")
			var rep programme.Report
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil {
				t.Fatalf("readiness --json: %+v", r)
			}
			if rep.Organization != "acme" || rep.Percent != 0 || len(rep.Requirements) != 33 || len(rep.Categories) != 1 || rep.Requirements[0].Gaps[0].Code != "no_control" {
				t.Fatalf("report: %+v", rep)
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "acme: SOC 2 readiness 0%") || !strings.Contains(r.stdout, "! CC1.1") {
				t.Fatalf("text: %+v", r)
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "acme", "--min", "80"); r.code != 3 || !strings.Contains(r.stderr, "readiness 0% is below the required 80%") {
				t.Fatalf("--min: %+v", r)
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "acme", "--min", "0"); r.code != 0 {
				t.Fatalf("--min 0: %+v", r)
			}
			for _, bad := range [][]string{{"readiness"}, {"readiness", "--org", "acme", "--min", "101"}, {"readiness", "--org", "acme", "--min", "half"}} {
				if r := runCLI(t, vars, "", bad...); r.code != 2 {
					t.Errorf("%v: exit %d %s", bad, r.code, r.stderr)
				}
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "nope"); r.code != 1 || !strings.Contains(r.stderr, "--org nope: organization not found") {
				t.Fatalf("unknown org: %+v", r)
			}
		})
	}
}

func TestFrameworkImportCommand(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme")
	good := filepath.Join(dir, "lib.yaml")
	os.WriteFile(good, []byte(`urn: urn:test:risk:library:tiny
locale: en
ref_id: tiny
name: Tiny library
version: 2
objects:
  framework:
    urn: urn:test:risk:framework:tiny
    ref_id: tiny
    name: Tiny framework
    requirement_nodes:
      - urn: urn:test:risk:req_node:tiny:a
        assessable: false
        depth: 1
        ref_id: A
        name: Area A
      - urn: urn:test:risk:req_node:tiny:a.1
        assessable: true
        depth: 2
        parent_urn: urn:test:risk:req_node:tiny:a
        ref_id: A.1
        name: First requirement
        description: Do the first thing.
`), 0o600)
	if r := runCLI(t, vars, "", "framework", "import", good, "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "imported Tiny framework 2 into acme: 2 requirements (key tiny, ciso-assistant)") {
		t.Fatalf("import: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", good, "--org", "acme"); r.code != 1 || !strings.Contains(r.stderr, "already imported") {
		t.Fatalf("second import: %+v", r)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(strings.Replace(string(mustRead(t, good)), "ref_id: A.1", "ref_id: A", 1), "ref_id: tiny\n    name", "ref_id: tiny2\n    name", 1)), 0o600)
	r := runCLI(t, vars, "", "framework", "import", bad, "--org", "acme")
	if r.code != 1 || !strings.Contains(r.stderr, "was not imported (nothing was changed)") || !strings.Contains(r.stderr, "ref_id") {
		t.Fatalf("defective import: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", good); r.code != 2 || !strings.Contains(r.stderr, "--org is required") {
		t.Fatalf("no org: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", filepath.Join(dir, "missing.json"), "--org", "acme"); r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Fatalf("missing file: %+v", r)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
