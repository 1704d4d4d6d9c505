package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestAuditPopulationCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if _, _, err := app.LoadSigningKey(app.SigningKeyPath(dir, ""), true); err != nil {
				t.Fatal(err)
			}
			file := writeFile(t, dir, "people.csv", "name,email,start_date,end_date\n"+
				"Ada Lovelace,ada@acme.test,2026-03-01,\n"+
				"Grace Hopper,grace@acme.test,2020-02-01,2026-03-31\n")
			if r := run("people", "import", "--org", "acme", file); r.code != 0 {
				t.Fatalf("import: %+v", r)
			}
			// Populations belong to an audit: one of 2026, and a Type 1 as
			// of tomorrow.
			if r := run("audit", "create", "--org", "acme", "--name", "FY26", "--from", "2026-01-01", "--to", "2026-12-31"); r.code != 0 ||
				!strings.HasPrefix(r.stdout, "audit 1:") {
				t.Fatalf("create the audit: %+v", r)
			}
			tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(attest.DateLayout)
			if r := run("audit", "create", "--org", "acme", "--name", "Tomorrow", "--type", "type1", "--as-of", tomorrow); r.code != 0 {
				t.Fatalf("create the Type 1: %+v", r)
			}
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "leavers"); r.code != 2 || !strings.Contains(r.stderr, "--audit") {
				t.Errorf("no audit: %+v", r)
			}
			// An event population waits for its window to close.
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "leavers", "--audit", "2"); r.code != 1 ||
				!strings.Contains(r.stderr, "can be taken from") {
				t.Errorf("an open window: %+v", r)
			}
			// A configuration capture is refused once its window has closed,
			// naming the day, and taken within it.
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "configuration", "--from", "2026-01-01", "--to", "2026-01-31", "--audit", "1"); r.code != 1 ||
				!strings.Contains(r.stderr, "closed on 2026-01-31") {
				t.Errorf("a capture of a closed window: %+v", r)
			}
			if today := attest.Today(time.Now()); today >= "2026-01-01" && today <= "2026-12-31" {
				if r := run("audit", "population", "take", "--org", "acme", "--kind", "configuration", "--audit", "1"); r.code != 0 || !strings.Contains(r.stdout, "items: 0") {
					t.Errorf("a capture within the window: %+v", r)
				}
			}
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "leavers", "--from", "2025-12-01", "--to", "2026-03-31", "--audit", "1"); r.code != 1 ||
				!strings.Contains(r.stderr, "before the audit's window") {
				t.Errorf("outside the audit's window: %+v", r)
			}
			r := run("audit", "population", "take", "--org", "acme", "--kind", "leavers", "--from", "2026-03-01", "--to", "2026-03-31", "--audit", "1")
			if r.code != 0 || !strings.Contains(r.stdout, "items: 1") || !strings.Contains(r.stdout, "Grace Hopper") ||
				!strings.Contains(r.stdout, "not_testable") || !strings.Contains(r.stdout, "no identity provider was collected") {
				t.Fatalf("take leavers: %+v", r)
			}
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "changes", "--from", "2026-03-01", "--to", "2026-03-31", "--audit", "1", "--json"); r.code != 0 ||
				!strings.Contains(r.stdout, `"count": 0`) || !strings.Contains(r.stdout, attest.PopulationHash(nil)) {
				t.Fatalf("an empty population is recorded: %+v", r)
			}
			r = run("audit", "population", "list", "--org", "acme", "--audit", "1", "--kind", "leavers")
			if r.code != 0 || !strings.Contains(r.stdout, "leavers") || !strings.Contains(r.stdout, "FY26") || strings.Contains(r.stdout, "changes") {
				t.Fatalf("list: %+v", r)
			}
			id := strings.Fields(strings.Split(r.stdout, "\n")[1])[0]
			r = run("audit", "population", "show", "--org", "acme", "--items", id)
			var items []attest.SampleItem
			if err := json.Unmarshal([]byte(r.stdout), &items); r.code != 0 || err != nil || len(items) != 1 || items[0].Summary != "Grace Hopper" {
				t.Fatalf("show --items: %+v (%v)", r, err)
			}
			if r := run("audit", "population", "show", "--org", "acme", "9999"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
				t.Errorf("show of no population: %+v", r)
			}
			// A sample of the leavers for a control, re-derived from its
			// workpaper by audit sample --verify.
			db, err := store.Open(context.Background(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			org, _ := db.OrgBySlug(context.Background(), "acme")
			ctl := storetest.MustControl(t, db, org, "ACC-1", attest.StatusImplemented)
			db.Close()
			wp := dir + "/workpaper.json"
			if r := run("audit", "population", "sample", "--org", "acme", "--audit", "1", "--population", id, "--control", strconv.FormatInt(ctl.ID, 10), "--frequency", "per-event", "--out", wp); r.code != 0 ||
				!strings.Contains(r.stdout, "1 of 1 items") {
				t.Fatalf("sample: %+v", r)
			}
			if r := run("audit", "sample", "--verify", wp); r.code != 0 {
				t.Fatalf("verify the workpaper: %+v", r)
			}
			// The retrievals are ledger records that verify re-checks.
			if r := run("verify"); r.code != 0 || !strings.Contains(r.stdout, "acme") {
				t.Errorf("verify: %+v", r)
			}
			if r := run("audit", "population", "take", "--org", "acme", "--kind", "moods", "--from", "2026-03-01", "--to", "2026-03-31", "--audit", "1"); r.code != 1 ||
				!strings.Contains(r.stderr, "joiners, leavers, changes") {
				t.Errorf("unknown kind: %+v", r)
			}
		})
	}
}
