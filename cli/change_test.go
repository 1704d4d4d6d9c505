package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestChangeCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			// change list reads snapshots from the blob store, opened with the
			// install's key as serve leaves it.
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			if r := run("change", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "0 deployed change(s) in the last 90 days, 0 finding(s)") {
				t.Errorf("an empty register: %+v", r)
			}
			// A deploy log alone: a deployed commit with no pull request
			// behind it is a finding, and the command exits 1. One deployed
			// years ago is stored, but is outside the window.
			log := writeFile(t, dir, "deploys.csv", "repository,commit,deployed_at,deployer\nacme/api,5d41402abc4b2a76,"+
				"2020-01-01T00:00:00Z,bob\n")
			if r := run("change", "import", "--org", "acme", log); r.code != 0 || !strings.Contains(r.stdout, "read 1 deployments") {
				t.Fatalf("import: %+v", r)
			}
			bad := writeFile(t, dir, "bad.csv", "repository,commit,deployed_at\nacme/api,,2026-11-02T09:30:00Z\n")
			if r := run("change", "import", "--org", "acme", bad); r.code != 1 || !strings.Contains(r.stderr, "line 2: commit: is required") {
				t.Errorf("a bad log: %+v", r)
			}
			now := writeFile(t, dir, "now.csv", "repository,commit,deployed_at\nacme/api,7c211433f020,"+timeNow()+"\n")
			if r := run("change", "import", "--org", "acme", now); r.code != 0 {
				t.Fatal(r)
			}
			r := run("change", "list", "--org", "acme", "--format", "json")
			var rep struct {
				Findings int `json:"findings"`
				Changes  []struct {
					SHA   string `json:"sha"`
					State string `json:"state"`
				} `json:"changes"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 1 || rep.Findings != 1 || len(rep.Changes) != 1 ||
				rep.Changes[0].SHA != "7c211433f020" || rep.Changes[0].State != "no_pull_request" || !strings.Contains(r.stderr, "1 change finding(s)") {
				t.Errorf("change list --format json: %v %+v", err, r)
			}
			if r := run("change", "bank", "--org", "acme", "--days", "30"); r.code != 0 || !strings.Contains(r.stdout, "1 change(s), 1 finding(s)") ||
				!strings.Contains(r.stdout, "no control (adopt CHG-1") {
				t.Errorf("change bank: %+v", r)
			}
			if r := run("change", "list", "--org", "acme", "--format", "csv"); r.code != 1 || !strings.HasPrefix(r.stdout, "deployed_at,repository,commit") {
				t.Errorf("csv: %+v", r)
			}
			for _, args := range [][]string{{"change", "list"}, {"change", "list", "--org", "acme", "--days", "0"}, {"change", "list", "--org", "acme", "--format", "xml"},
				{"change", "import", "--org", "acme"}, {"change", "bank"}} {
				if r := run(args...); r.code != 2 {
					t.Errorf("%v: %+v", args, r)
				}
			}
		})
	}
}

func timeNow() string { return time.Now().UTC().Add(-time.Minute).Format(time.RFC3339) }
