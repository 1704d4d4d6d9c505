package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeLib(t *testing.T, dir, name, version string, refs ...string) string {
	t.Helper()
	var nodes strings.Builder
	for _, r := range refs {
		fmt.Fprintf(&nodes, "      - {urn: 'urn:test:n:%s', ref_id: '%s', name: 'Requirement %s', assessable: true}\n", r, r, r)
	}
	path := filepath.Join(dir, name)
	err := os.WriteFile(path, []byte(`urn: urn:test:risk:library:tiny
ref_id: tiny
name: Tiny library
version: `+version+`
objects:
  framework:
    urn: urn:test:risk:framework:tiny
    ref_id: tiny
    name: Tiny framework
    requirement_nodes:
`+nodes.String()), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFrameworkReplaceAndDeleteCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme")
	v1 := writeLib(t, dir, "v1.yaml", "1", "A", "B")
	v2 := writeLib(t, dir, "v2.yaml", "2", "A", "C")
	if r := runCLI(t, vars, "", "framework", "import", v1, "--org", "acme", "--replace"); r.code != 0 || !strings.Contains(r.stdout, "imported Tiny framework 1 into acme: 2 requirements (key tiny") {
		t.Fatalf("replace with nothing to replace: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", v2, "--org", "acme"); r.code != 1 || !strings.Contains(r.stderr, "--replace") {
		t.Fatalf("import over an existing key: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", v2, "--org", "acme", "--replace"); r.code != 0 ||
		!strings.Contains(r.stdout, "replaced tiny in acme with Tiny framework 2: 2 requirements (ciso-assistant); kept 0 mappings, dropped 0") {
		t.Fatalf("replace: %+v", r)
	}
	for _, bad := range [][]string{{"framework", "delete", "tiny"}, {"framework", "delete", "--org", "acme"}, {"framework", "delete", "--org", "acme", "a", "b"}} {
		if r := runCLI(t, vars, "", bad...); r.code != 2 {
			t.Errorf("%v: exit %d %s", bad, r.code, r.stderr)
		}
	}
	if r := runCLI(t, vars, "", "framework", "delete", "--org", "acme", "nope"); r.code != 1 || !strings.Contains(r.stderr, "framework nope") {
		t.Fatalf("unknown key: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "delete", "--org", "acme", "tiny"); r.code != 0 || !strings.Contains(r.stdout, "deleted Tiny framework 2 (key tiny) from acme") {
		t.Fatalf("delete: %+v", r)
	}
	if r := runCLI(t, vars, "", "framework", "import", v1, "--org", "acme"); r.code != 0 {
		t.Fatalf("import after delete: %+v", r)
	}
	if r := runCLI(t, vars, "", "help"); !strings.Contains(r.stdout, "framework delete --org SLUG KEY") || !strings.Contains(r.stdout, "[--replace]") {
		t.Errorf("help: %s", r.stdout)
	}
}

func TestFrameworkImportCountsEveryProblemOnce(t *testing.T) {
	// 250 nodes without a URN: 200 listed, one line for the other 50, and
	// a count of 250, not 201.
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme")
	path := filepath.Join(dir, "many.yaml")
	os.WriteFile(path, []byte("urn: urn:t:library:t\nobjects:\n  framework:\n    ref_id: T\n    name: T\n    requirement_nodes:\n"+strings.Repeat("    - {depth: 1, name: N}\n", 250)), 0o600)
	r := runCLI(t, vars, "", "framework", "import", path, "--org", "acme")
	if r.code != 1 || !strings.Contains(r.stderr, "50 more problems not listed") || !strings.Contains(r.stderr, "250 problem(s) in ") {
		t.Fatalf("%d %s", r.code, r.stderr[max(0, len(r.stderr)-300):])
	}
}
