package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestMonitoringCommands connects a GitHub organization (the local GitHub
// server) and drives monitoring from the command line: run with --json,
// replay a verdict from the database and from an export bundle, an
// organization's own test, and an exception requested and approved by two
// people.
func TestMonitoringCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			gh := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
			defer gh.Close()
			vars, run, must := cliWithKey(t, d)
			dir := vars["ATTEST_DATA_DIR"]
			must(run("", "org", "create", "acme", "--name", "Acme"))
			must(run("correct horse battery staple\n", "user", "create", "--org", "acme", "--email", "max@acme.test", "--role", "manager", "--password-stdin"))
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			must(run("ghp_test\n", "connection", "add", "--org", "acme", "--type", "github", "--name", "github",
				"--set", "org=northwind", "--set", "base_url="+gh.URL, "--secret-stdin"))
			if r := must(run("", "connection", "check", "--org", "acme", "--name", "github")); !strings.Contains(r.stdout, "attest-bot") {
				t.Errorf("check: %s", r.stdout)
			}

			// A failing organization exits 1, one JSON object per result.
			r := run("", "monitor", "run", "--org", "acme", "--json")
			if r.code != 1 || !strings.Contains(r.stderr, "failing") {
				t.Fatalf("monitor run with failures: exit %d, %s", r.code, r.stderr)
			}
			type line struct {
				Test, TestVersion, ResourceType, Resource, Status, Message, Expected string
				Observed                                                             any
				Result                                                               int64
			}
			var lines []line
			sc := bufio.NewScanner(strings.NewReader(r.stdout))
			for sc.Scan() {
				var raw map[string]any
				if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
					t.Fatalf("not one JSON object per line: %q", sc.Text())
				}
				for _, k := range []string{"test", "test_version", "resource_type", "resource", "status", "message", "observed", "expected"} {
					if _, ok := raw[k]; !ok {
						t.Fatalf("a result lacks %q: %s", k, sc.Text())
					}
				}
				var l line
				json.Unmarshal(sc.Bytes(), &struct {
					Test        *string `json:"test"`
					TestVersion *string `json:"test_version"`
					Resource    *string `json:"resource"`
					Status      *string `json:"status"`
					Message     *string `json:"message"`
					Result      *int64  `json:"result"`
				}{&l.Test, &l.TestVersion, &l.Resource, &l.Status, &l.Message, &l.Result})
				lines = append(lines, l)
			}
			status := func(test, res string) line {
				for _, l := range lines {
					if l.Test == test && l.Resource == res {
						return l
					}
				}
				t.Fatalf("no result of %s on %s", test, res)
				return line{}
			}
			if l := status("github.branch_protected", "northwind/api"); l.Status != "pass" {
				t.Errorf("organization ruleset: %+v", l)
			}
			if l := status("github.branch_protected", "northwind/billing"); l.Status != "unverifiable" || !strings.Contains(l.Message, "GitHub Pro") {
				t.Errorf("free plan: %+v", l)
			}
			failing := status("github.branch_protected", "northwind/docs")
			if failing.Status != "fail" || !strings.HasPrefix(failing.TestVersion, "sha256:") || failing.Result == 0 {
				t.Fatalf("unprotected: %+v", failing)
			}

			// Replay from the database, then from a bundle alone.
			rp := must(run("", "test", "replay", "--org", "acme", "--result", jsonInt(failing.Result)))
			if !strings.Contains(rp.stdout, "same verdict") {
				t.Errorf("replay: %s", rp.stdout)
			}
			offline := regexp.MustCompile(`--snapshot (col_\w+) --test-version (sha256:\w+) --resource (\S+)`).FindStringSubmatch(rp.stdout)
			if offline == nil {
				t.Fatalf("replay does not say how to replay offline: %s", rp.stdout)
			}
			bundle := filepath.Join(dir, "acme.zip")
			must(run("", "evidence", "export", "--org", "acme", "--out", bundle))
			pub := regexp.MustCompile(`attest-ed25519:[A-Za-z0-9+/=]+`).FindString(must(run("", "key", "show")).stdout)
			off := must(run("", "test", "replay", "--bundle", bundle, "--pubkey", pub, "--snapshot", offline[1], "--test-version", offline[2], "--resource", offline[3]))
			if !strings.Contains(off.stdout, "verdict: fail  northwind/docs: branch.protected is false") {
				t.Errorf("offline replay: %s", off.stdout)
			}

			// An organization's own test, from a file, validated.
			own := filepath.Join(dir, "own.yaml")
			os.WriteFile(own, []byte(`tests:
  - id: acme.docs_archived
    title: The docs repository is archived
    description: Ours.
    resource_type: github.repository
    applies: resource.name == 'docs'
    pass: resource.archived
    field: archived
    expected: "true"
    severity: low
    remediation: Archive it.
    controls: [DEV-2]
    reads: [name, archived]
`), 0o600)
			must(run("", "test", "add", "--org", "acme", own))
			os.WriteFile(own, []byte("tests:\n  - id: acme.bad\n    pass: resource.\n"), 0o600)
			if r := run("", "test", "add", "--org", "acme", own); r.code == 0 || !strings.Contains(r.stderr, "own.yaml") {
				t.Errorf("an invalid own test: %+v", r)
			}

			// An exception: requested by one person, approved by another.
			req := []string{"exception", "request", "--org", "acme", "--as", "max@acme.test", "--test", "github.branch_protected",
				"--resource", "github.repository:northwind/docs", "--reason", "Docs are generated; pushes only from CI.",
				"--expires", time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}
			ex := must(run("", req...))
			id := regexp.MustCompile(`exc_\w+`).FindString(ex.stdout)
			if r := run("", "exception", "approve", "--org", "acme", "--as", "max@acme.test", "--id", id); r.code == 0 || !strings.Contains(r.stderr, "other than its requester") {
				t.Errorf("self-approval: %+v", r)
			}
			must(run("correct horse battery staple\n", "user", "create", "--org", "acme", "--email", "ada@acme.test", "--role", "admin", "--password-stdin"))
			must(run("", "exception", "approve", "--org", "acme", "--as", "ada@acme.test", "--id", id))
			if l := must(run("", "exception", "list", "--org", "acme")); !strings.Contains(l.stdout, "active") {
				t.Errorf("exception list: %s", l.stdout)
			}
			r = run("", "monitor", "run", "--org", "acme")
			if !regexp.MustCompile(`EXCEPTED\s+github.branch_protected\s+northwind/docs`).MatchString(r.stdout) ||
				!regexp.MustCompile(`FAIL\s+acme.docs_archived\s+northwind/docs`).MatchString(r.stdout) {
				t.Errorf("run after the exception and the own test:\n%s", r.stdout)
			}
			db, err := store.Open(t.Context(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org, _ := db.OrgBySlug(t.Context(), "acme")
			runs, _ := db.Collections(t.Context(), org.ID, 0, 0)
			if len(runs) != 2 || runs[0].SnapshotSHA256 != runs[1].SnapshotSHA256 {
				t.Errorf("two runs of an unchanged organization: %+v", runs)
			}
		})
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestGitHubAppConnection adds a connection that signs in as a GitHub App
// from its private key on standard input, checks it, and runs its tests:
// the key is sealed like a token and the App's installation token is what
// reads the organization.
func TestGitHubAppConnection(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			key, pemKey := githubtest.AppKey()
			sc := githubtest.DefaultScenario(time.Now())
			sc.Token = ""
			sc.App = &githubtest.App{ID: 4711, Slug: "attest-reader", InstallationID: 99, Key: &key.PublicKey,
				Permissions: map[string]string{"metadata": "read", "administration": "read", "members": "read", "pull_requests": "read",
					"vulnerability_alerts": "read", "secret_scanning_alerts": "read"}}
			gh := githubtest.NewServer(sc)
			defer gh.Close()
			dir := t.TempDir()
			sk, _ := secret.NewKey()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir, "ATTEST_SECRET_KEY": sk.String()}
			run := func(stdin string, args ...string) result { return runCLI(t, vars, stdin, args...) }
			if r := run("", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			add := []string{"connection", "add", "--org", "acme", "--type", "github", "--name", "github-app",
				"--set", "org=northwind", "--set", "base_url=" + gh.URL, "--secret-stdin"}
			if r := run(string(pemKey), add...); r.code != 1 || !strings.Contains(r.stderr, "app_id") {
				t.Errorf("a private key without app_id: exit %d, %s", r.code, r.stderr)
			}
			if r := run(string(pemKey), append(add, "--set", "app_id=4711")...); r.code != 0 {
				t.Fatalf("add: %s", r.stderr)
			}
			r := run("", "connection", "check", "--org", "acme", "--name", "github-app")
			if r.code != 1 || !strings.Contains(r.stdout, "GitHub App 4711 (installation 99)") ||
				!strings.Contains(r.stdout, "missing: Administration: read (organization") {
				t.Errorf("check: exit %d, %s %s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "PRIVATE KEY") {
				t.Error("the key was printed")
			}
			r = run("", "monitor", "run", "--org", "acme", "--json")
			if r.code != 1 || !strings.Contains(r.stdout, `"resource":"northwind/web"`) || !strings.Contains(r.stdout, `"status":"unverifiable"`) {
				t.Errorf("monitor run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if sc.TokensIssued() != 2 { // one per command: check, run
				t.Errorf("tokens issued = %d", sc.TokensIssued())
			}
		})
	}
}
