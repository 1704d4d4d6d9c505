package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/monitor/engine"
)

const snapshot = `{
  "resources": [
    {"type": "github.organization", "key": "acme", "data": {"login": "acme", "two_factor_requirement_enabled": true,
      "members_can_create_public_repositories": false, "default_repository_permission": "read",
      "owners": ["alice"], "members": 3, "outside_collaborators": []},
     "unavailable": {"members_without_2fa": "only owners can see who lacks 2FA"}},
    {"type": "github.repository", "key": "acme/old", "data": {"archived": true}},
    {"type": "github.repository", "key": "acme/api", "data": {"archived": false, "secret_scanning": "disabled"}}
  ],
  "failed": {"github.member": "403 Resource not accessible by integration"}
}`

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTestEvalBuiltInJSON(t *testing.T) {
	file := writeFile(t, t.TempDir(), "snap.json", snapshot)
	r := runCLI(t, nil, "", "test", "eval", "--resources", file, "--now", "2026-12-01T12:00:00Z", "--json")
	if r.code != 1 || !strings.Contains(r.stderr, "results failed") {
		t.Fatalf("a failing snapshot must exit 1: %+v", r)
	}
	got := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not one JSON object per line: %q", l)
		}
		for _, k := range []string{"test", "test_version", "resource_type", "resource", "status", "message", "observed", "expected"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line lacks %s: %s", k, l)
			}
		}
		got[m["test"].(string)+" "+m["resource"].(string)] = m
	}
	want := map[string]string{
		"github.org_2fa_required acme":          "pass",
		"github.org_members_without_2fa acme":   "unverifiable",
		"github.member_2fa *":                   "error",
		"github.secret_scanning acme/api":       "fail",
		"github.secret_scanning acme/old":       "not_applicable",
		"github.branch_protected acme/api":      "error", // branch missing from the data
		"github.org_outside_collaborators acme": "pass",
	}
	for k, status := range want {
		if got[k] == nil || got[k]["status"] != status {
			t.Errorf("%s: %v, want %s", k, got[k], status)
		}
	}
	f := got["github.secret_scanning acme/api"]
	if f["observed"] != "disabled" || f["expected"] != "enabled" || f["resource_type"] != "github.repository" ||
		!strings.HasPrefix(f["test_version"].(string), "sha256:") || !strings.Contains(f["message"].(string), "acme/api") {
		t.Errorf("fail line: %v", f)
	}
	if !strings.Contains(got["github.org_members_without_2fa acme"]["message"].(string), "only owners") {
		t.Errorf("unverifiable names the reason: %v", got["github.org_members_without_2fa acme"])
	}
}

func TestTestEvalOwnTestsAndList(t *testing.T) {
	dir := t.TempDir()
	testsDir := filepath.Join(dir, "tests")
	if err := os.Mkdir(testsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, testsDir, "mine.yaml", `tests:
  - id: acme.repo_has_topic
    title: Repository is public only on purpose
    resource_type: github.repository
    reads: [visibility]
    pass: resource.visibility != "public"
    field: visibility
    expected: private or internal
    severity: medium
    remediation: Add a topic.
    controls: [CONF-3]
`)
	passing := writeFile(t, dir, "list.json", `[{"type": "github.repository", "key": "acme/api", "data": {"visibility": "private"}}]`)
	r := runCLI(t, nil, "", "test", "eval", "--tests", testsDir, "--resources", passing)
	if r.code != 0 || !strings.Contains(r.stdout, "PASS") || !strings.Contains(r.stdout, "1 tests, 1 resources, 1 results: 1 pass") {
		t.Fatalf("passing list: %+v", r)
	}
	failing := writeFile(t, dir, "pub.json", `[{"type": "github.repository", "key": "acme/www", "data": {"visibility": "public"}}]`)
	r = runCLI(t, nil, "", "test", "eval", "--tests", testsDir, "--resources", failing)
	if r.code != 1 || !strings.Contains(r.stdout, `acme/www: visibility is public, expected private or internal`) {
		t.Fatalf("failing: %+v", r)
	}
	r = runCLI(t, nil, "", "test", "list", "--tests", testsDir, "--json")
	var def map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &def) != nil || def["id"] != "acme.repo_has_topic" || !strings.HasPrefix(def["version"].(string), "sha256:") {
		t.Fatalf("list --json: %+v", r)
	}
	builtIn, err := engine.LoadFS(catalog.TestFiles, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, nil, "", "test", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "github.branch_protected") || !strings.Contains(r.stdout, fmt.Sprintf("%d tests", len(builtIn))) {
		t.Fatalf("list built-in: %+v", r)
	}
	writeFile(t, testsDir, "bad.yaml", "tests:\n  - id: acme.bad\n    title: Bad\n    resource_type: github.repository\n    reads: [x]\n    pass: resource.x ==\n    field: x\n    expected: y\n    severity: low\n    remediation: z\n")
	if r := runCLI(t, nil, "", "test", "list", "--tests", testsDir); r.code != 1 || !strings.Contains(r.stderr, "bad.yaml: pass: test acme.bad:") {
		t.Fatalf("bad test: %+v", r)
	}
}

func TestTestEvalUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"test", "eval"},
		{"test", "eval", "--resources", "x.json", "extra"},
		{"test", "eval", "--resources", "x.json", "--now", "yesterday"},
	} {
		if r := runCLI(t, nil, "", args...); r.code != 2 {
			t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
	bad := writeFile(t, dir, "bad.json", `"just a string"`)
	if r := runCLI(t, nil, "", "test", "eval", "--resources", bad); r.code != 1 || !strings.Contains(r.stderr, "bad.json") {
		t.Errorf("not a snapshot: %+v", r)
	}
	nokey := writeFile(t, dir, "nokey.json", `[{"type": "github.repository", "data": {}}]`)
	if r := runCLI(t, nil, "", "test", "eval", "--resources", nokey); r.code != 1 || !strings.Contains(r.stderr, "resource 1: type and key are required") {
		t.Errorf("resource without key: %+v", r)
	}
}
