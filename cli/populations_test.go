package cli

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest/app"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

func TestPeoplePopulationsCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			// The roster reads snapshots from the blob store, opened with the
			// install's key as serve leaves it.
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			file := writeFile(t, dir, "people.csv", "name,email,start_date,end_date\n"+
				"Ada Lovelace,ada@acme.test,2026-03-01,\n"+
				"Grace Hopper,grace@acme.test,2020-02-01,2026-03-31\n"+
				"=Old Timer,old@acme.test,2020-02-01,2026-02-28\n")
			if r := run("people", "import", "--org", "acme", file); r.code != 0 {
				t.Fatalf("import: %+v", r)
			}
			r := run("people", "populations", "--org", "acme", "--from", "2026-03-01", "--to", "2026-03-31")
			if r.code != 0 || !strings.Contains(r.stdout, "Joiners 2026-03-01 to 2026-03-31: 1") || !strings.Contains(r.stdout, "ada@acme.test") ||
				!strings.Contains(r.stdout, "Leavers 2026-03-01 to 2026-03-31: 1") || !strings.Contains(r.stdout, "grace@acme.test") ||
				strings.Contains(r.stdout, "old@acme.test") || !strings.Contains(r.stdout, "Role changes are not listed") {
				t.Errorf("populations: %+v", r)
			}
			r = run("people", "populations", "--org", "acme", "--from", "2026-02-01", "--to", "2026-02-28", "--csv")
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if r.code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "population,name,email") ||
				!strings.HasPrefix(lines[1], "leavers,'=Old Timer,old@acme.test,") {
				t.Errorf("populations as CSV: %+v", r)
			}
			if r := run("people", "populations", "--org", "acme", "--from", "2026-03-31", "--to", "2026-03-01"); r.code != 1 ||
				!strings.Contains(r.stderr, "--to: 2026-03-01 is before from") {
				t.Errorf("a window ending before it starts: %+v", r)
			}
			if r := run("people", "populations", "--org", "acme", "--from", "2026-03-01"); r.code != 2 || !strings.Contains(r.stderr, "--to is required") {
				t.Errorf("no --to: %+v", r)
			}
		})
	}
}
