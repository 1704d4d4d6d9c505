package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/connector/google/googletest"
	"github.com/attest-hq/attest/connector/okta/oktatest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// TestIdentityProviderCommands connects Okta as a service app and Google
// Workspace with a static access token, both on stdin, against the local
// servers; Check names the credential kinds; after a run, the roster names
// the leaver still active at both and the department Okta disagrees on, and
// exits 1.
func TestIdentityProviderCommands(t *testing.T) {
	now := time.Now()
	ok := oktatest.NewServer(oktatest.DefaultScenario(now))
	defer ok.Close()
	gw := googletest.NewServer(googletest.DefaultScenario(now))
	defer gw.Close()
	vars, run, must := cliWithKey(t, store.SQLite)
	dir := vars["ATTEST_DATA_DIR"]
	must(run("", "org", "create", "acme", "--name", "Acme"))
	if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
		t.Fatal(err)
	}
	left := now.AddDate(0, -1, 0).Format("2006-01-02")
	must(run("", "people", "import", "--org", "acme", writeFile(t, dir, "people.csv", "name,email,start_date,end_date,department\n"+
		"Alice Admin,alice@acme.example,2023-01-09,,Security\n"+
		"Dave Sales,dave@acme.example,2023-05-02,"+left+",\n")))
	must(run(string(ok.ServiceAppSecret("jwk")), "connection", "add", "--org", "acme", "--type", "okta", "--name", "okta",
		"--set", "org_url="+ok.URL, "--secret-stdin"))
	must(run(gw.AccessToken()+"\n", "connection", "add", "--org", "acme", "--type", "google", "--name", "workspace",
		"--set", "admin_email=alice@acme.example", "--set", "base_url="+gw.URL, "--secret-stdin"))
	if r := must(run("", "connection", "check", "--org", "acme", "--name", "okta")); !strings.Contains(r.stdout, "OAuth 2.0 service app") ||
		!strings.Contains(r.stdout, "DPoP-bound token") {
		t.Errorf("okta check: %s", r.stdout)
	}
	if r := must(run("", "connection", "check", "--org", "acme", "--name", "workspace")); !strings.Contains(r.stdout, "static access token") {
		t.Errorf("google check: %s", r.stdout)
	}
	if r := run("", "monitor", "run", "--org", "acme"); r.code != 1 || !strings.Contains(r.stderr, "failing") {
		t.Fatalf("monitor run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r := run("", "people", "roster", "--org", "acme")
	if r.code != 1 || !strings.Contains(r.stderr, "roster finding(s)") {
		t.Fatalf("roster: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"leaver_active: Dave Sales left on " + left + " and still has an active okta account (dave@acme.example)",
		"leaver_active: Dave Sales left on " + left + " and still has an active google account (dave@acme.example)",
		"department_conflict: okta account alice@acme.example is in department IT, the roster puts Alice Admin in Security",
		"department_conflict: google account alice@acme.example is in department IT, the roster puts Alice Admin in Security",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("roster does not say %q:\n%s", want, r.stdout)
		}
	}
}

// cliWithKey runs commands against a fresh database of dialect d, with a
// secret key for connections (vars are the environment, with the data
// directory): run gives stdin and arguments, must fails the
// test unless the command exits 0.
func cliWithKey(t *testing.T, d store.Dialect) (vars map[string]string, run func(stdin string, args ...string) result, must func(result) result) {
	dir := t.TempDir()
	key, _ := secret.NewKey()
	vars = map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir, "ATTEST_SECRET_KEY": key.String()}
	run = func(stdin string, args ...string) result { return runCLI(t, vars, stdin, args...) }
	must = func(r result) result {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		return r
	}
	return vars, run, must
}
