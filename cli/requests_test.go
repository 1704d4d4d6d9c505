package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestAuditRequestCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			db, err := store.Open(context.Background(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			org, _ := db.OrgBySlug(context.Background(), "acme")
			storetest.MustControl(t, db, org, "ACC-1", attest.StatusImplemented) // quarterly, mapped to CC6.1
			db.Close()
			if r := run("audit", "create", "--org", "acme", "--name", "FY26", "--from", "2026-01-01", "--to", "2026-12-31"); r.code != 0 {
				t.Fatalf("create the audit: %+v", r)
			}
			if r := run("audit", "requests", "list", "--org", "acme"); r.code != 2 || !strings.Contains(r.stderr, "--audit") {
				t.Fatalf("no audit: %+v", r)
			}
			r := run("audit", "requests", "generate", "--org", "acme", "--audit", "1")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "4 requests added") { // ACC-1 per quarter of 2026

				t.Fatalf("generate: %+v", r)
			}
			if r := run("audit", "requests", "generate", "--org", "acme", "--audit", "1"); r.code != 0 || !strings.HasPrefix(r.stdout, "0 requests added") {
				t.Fatalf("generate again: %+v", r)
			}
			csv := writeFile(t, dir, "pbc.csv", "ref,title,due\nPBC-1,Org chart,2026-13-01\n")
			if r := run("audit", "requests", "import", "--org", "acme", "--audit", "1", "--file", csv); r.code != 1 || !strings.Contains(r.stderr, "line 2: due") {
				t.Fatalf("a refused import: %+v", r)
			}
			csv = writeFile(t, dir, "pbc2.csv", "ref,title\nPBC-1,Org chart\n")
			if r := run("audit", "requests", "import", "--org", "acme", "--audit", "1", "--file", csv); r.code != 0 || !strings.HasPrefix(r.stdout, "1 requests imported") {
				t.Fatalf("import: %+v", r)
			}
			r = run("audit", "requests", "add", "--org", "acme", "--audit", "1", "--title", "Board minutes", "--due", "2027-01-15")
			if r.code != 0 || !strings.Contains(r.stdout, "R-") {
				t.Fatalf("add: %+v", r)
			}
			id := strings.TrimSuffix(strings.Fields(r.stdout)[1], ":")
			if r := run("audit", "requests", "act", "--org", "acme", "--audit", "1", "--request", id, "--action", "submit"); r.code != 1 || !strings.Contains(r.stderr, "attach evidence or write an answer") {
				t.Fatalf("an empty submission: %+v", r)
			}
			if r := run("audit", "requests", "act", "--org", "acme", "--audit", "1", "--request", id, "--action", "submit", "--text", "in the board folder"); r.code != 0 ||
				!strings.HasSuffix(strings.TrimSpace(r.stdout), "submitted") {
				t.Fatalf("submit: %+v", r)
			}
			if r := run("audit", "requests", "act", "--org", "acme", "--audit", "1", "--request", id, "--action", "accept"); r.code != 1 || !strings.Contains(r.stderr, "auditors") {
				t.Fatalf("accept from the command line: %+v", r)
			}
			r = run("audit", "requests", "list", "--org", "acme", "--audit", "1", "--status", "submitted", "--json")
			var list programme.RequestList
			if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Requests) != 1 || list.Requests[0].Title != "Board minutes" || list.Counts["submitted"] != 1 {
				t.Fatalf("list: %+v, %v", r, err)
			}
			if r := run("audit", "requests", "show", "--org", "acme", "--audit", "1", "--request", id); r.code != 0 || !strings.Contains(r.stdout, "submit → submitted  in the board folder") {
				t.Fatalf("show: %+v", r)
			}
		})
	}
}
