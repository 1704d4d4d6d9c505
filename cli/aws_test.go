package cli

import (
	"bufio"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/connector/aws/awstest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store/storetest"
)

// TestAWSConnectionWithTheDefaultChain adds an AWS connection without
// --secret-stdin (the SDK's default credential chain, here the
// environment's access key), checks it and runs its tests with --json
// against the local AWS, resources keyed by ARN.
func TestAWSConnectionWithTheDefaultChain(t *testing.T) {
	srv := awstest.NewServer(awstest.DefaultScenario(time.Now()))
	defer srv.Close()
	srv.Scenario.Update(func(s *awstest.Scenario) { s.ReportPending = 0 })
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_PROFILE", "")
	key, _ := secret.NewKey()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, storetest.Dialects[0]), "ATTEST_DATA_DIR": dir, "ATTEST_SECRET_KEY": key.String()}
	run := func(args ...string) result { return runCLI(t, vars, "", args...) }
	must := func(r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		return r
	}
	must(run("org", "create", "acme", "--name", "Acme"))
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	must(run("connection", "add", "--org", "acme", "--type", "aws", "--name", "production", "--set", "endpoint_url="+srv.URL, "--set", "regions=eu-west-1"))
	if r := must(run("connection", "check", "--org", "acme", "--name", "production")); !strings.Contains(r.stdout, "arn:aws:iam::123456789012:user/attest-audit") {
		t.Errorf("check: %s", r.stdout)
	}
	for _, r := range srv.Scenario.Requests() {
		if r.KeyID != "AKIAENVIRONMENT00001" {
			t.Fatalf("%s signed with %q, not the environment's key", r.Action, r.KeyID)
		}
	}
	r := run("monitor", "run", "--org", "acme", "--json")
	if r.code != 1 {
		t.Fatalf("monitor run: exit %d, %s", r.code, r.stderr)
	}
	got := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var l struct{ Test, Resource, Status string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		got[l.Test+" "+l.Resource] = l.Status
	}
	for k, want := range map[string]string{
		"aws.s3_not_public arn:aws:s3:::acme-website":                                   "pass",
		"aws.iam_policy_no_full_admin arn:aws:iam::aws:policy/AdministratorAccess":      "not_applicable",
		"aws.iam_policy_no_full_admin arn:aws:iam::123456789012:policy/BreakGlassAdmin": "fail",
		"aws.user_console_mfa arn:aws:iam::123456789012:user/bob":                       "fail",
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
}
