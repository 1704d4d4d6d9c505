package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web"
)

func TestPeopleCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if r := run("people", "list", "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "acme has no people") {
				t.Errorf("an empty roster: %+v", r)
			}
			if r := run("people", "list", "--org", "acme", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
				t.Errorf("an empty roster as JSON: %+v", r)
			}

			good := writeFile(t, dir, "people.csv", "Name,Email,Start Date,Manager,Department,Title\n"+
				"Ada Lovelace,ada@acme.test,2025-01-06,grace@acme.test,Engineering,Engineer\n"+
				"Grace Hopper,grace@acme.test,2024-02-01,,Engineering,CTO\n")
			if r := run("people", "import", "--org", "acme", good); r.code != 0 || !strings.Contains(r.stdout, "2 rows, 2 added, 0 updated, 0 unchanged") {
				t.Fatalf("import: %+v", r)
			}
			if r := run("people", "import", good, "--org", "acme"); r.code != 0 || !strings.Contains(r.stdout, "2 rows, 0 added, 0 updated, 2 unchanged") {
				t.Errorf("the same file again: %+v", r)
			}

			// A bad file: each rejected row is named, nothing is stored, exit 1.
			bad := writeFile(t, dir, "bad.csv", "name,email,start_date,manager\n"+
				"Lin Mei,mei@acme.test,2026-01-05,ada@acme.test\n"+
				"Bob,bob@acme.test,2025-13-01,\n"+
				",eve@acme.test,2025-02-01,\n"+
				"Carol,carol@acme.test,2025-02-01,nobody@acme.test\n")
			r := run("people", "import", "--org", "acme", bad)
			if r.code != 1 || !strings.Contains(r.stdout, "4 rows read, 3 rejected; nothing was imported") ||
				!strings.Contains(r.stdout, "line 3: bob@acme.test: start_date must be a date") ||
				!strings.Contains(r.stdout, "line 4: eve@acme.test: name is required") ||
				!strings.Contains(r.stdout, "line 5: carol@acme.test: manager nobody@acme.test is neither in the file nor a person of this organization") ||
				strings.Contains(r.stdout, "mei@acme.test") || !strings.Contains(r.stderr, "3 of 4 rows rejected") {
				t.Errorf("a bad file: %+v", r)
			}
			if r := run("people", "import", "--org", "acme", writeFile(t, dir, "odd.csv", "name,email,salary\n")); r.code != 1 ||
				!strings.Contains(r.stderr, `file: line 1: unknown column "salary"`) {
				t.Errorf("an unreadable file: %+v", r)
			}
			for _, args := range [][]string{{"people", "import", "--org", "acme"}, {"people", "import", good}, {"people", "add", "--org", "acme", "--name", "X"}} {
				if r := run(args...); r.code != 2 {
					t.Errorf("%v: %+v", args, r)
				}
			}

			if r := run("people", "add", "--org", "acme", "--name", "Lin Mei", "--email", "Mei@acme.test", "--start-date", "2099-01-05",
				"--manager", "ADA@acme.test", "--employment-type", "contractor", "--department", "Sales"); r.code != 0 || !strings.Contains(r.stdout, "added Lin Mei (mei@acme.test) to acme") {
				t.Fatalf("add: %+v", r)
			}
			for flag, args := range map[string][]string{
				"--manager":    {"--manager", "nobody@acme.test"},
				"--start-date": {"--start-date", "2025-02-30"},
				"--email":      {"--email", "ada@acme.test"},
			} {
				all := append([]string{"people", "add", "--org", "acme", "--name", "X", "--email", "x@acme.test", "--start-date", "2025-01-01"}, args...)
				if r := run(all...); r.code != 1 || !strings.HasPrefix(r.stderr, "attest people add: "+flag+": ") {
					t.Errorf("add with a bad %s: %+v", flag, r)
				}
			}

			r = run("people", "list", "--org", "acme", "--json")
			var list []web.PersonJSON
			if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != 0 || len(list) != 3 {
				t.Fatalf("list --json: %v %+v", err, r)
			}
			if ada := list[0]; ada.Email != "ada@acme.test" || ada.Manager != "Grace Hopper" || ada.ManagerID != list[1].ID || ada.Title != "Engineer" ||
				ada.Source != attest.SourceCSV || ada.State != attest.PersonActive {
				t.Errorf("ada: %+v", ada)
			}
			if mei := list[2]; mei.Name != "Lin Mei" || mei.ManagerID != list[0].ID || mei.EmploymentType != "contractor" || mei.State != attest.PersonJoining ||
				mei.Source != attest.SourceManual {
				t.Errorf("mei: %+v", mei)
			}
			r = run("people", "list", "--org", "acme")
			if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); r.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "Ada Lovelace") ||
				!strings.Contains(lines[3], "Ada Lovelace") || !strings.Contains(lines[3], "joining") {
				t.Errorf("list: %+v", r)
			}

			db, err := store.Open(t.Context(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org, _ := db.OrgBySlug(t.Context(), "acme")
			acts, _ := db.Activity(t.Context(), org.ID, attest.ActivityFilter{})
			if len(acts) < 3 || acts[0].Action != "person.added" || acts[0].Via != attest.ViaCLI || acts[1].Action != "person.imported" {
				t.Errorf("activity: %+v", acts)
			}
		})
	}
}
