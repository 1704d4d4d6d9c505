package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// An audit's results per control, the root cause of a deviation recorded
// and cleared, and an invited auditor's access ended, from the command line.
func TestAuditResultsRootCauseAndRevoke(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if r := run("audit", "create", "--org", "acme", "--name", "H1", "--from", "2026-01-01", "--to", "2026-06-30"); r.code != 0 {
				t.Fatalf("create the audit: %+v", r)
			}
			// KEY-1's test fails from February on and is never fixed: a
			// deviation of the audit. Nothing tests LOG-1.
			db, err := store.Open(context.Background(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			org, _ := db.OrgBySlug(context.Background(), "acme")
			key := storetest.MustControl(t, db, org, "KEY-1", attest.StatusImplemented)
			storetest.MustControl(t, db, org, "LOG-1", attest.StatusImplemented)
			storetest.MustFailing(t, db, org, key, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
			db.Close()

			r := run("audit", "results", "--org", "acme", "--audit", "1")
			if r.code != 0 || !lineHas(r.stdout, "KEY-1", "deviation", "1") || !lineHas(r.stdout, "LOG-1", "not tested") {
				t.Fatalf("results: %+v", r)
			}
			for _, c := range []struct {
				name string
				args []string
				code int
				says string
			}{
				{"no text", []string{"--control", "KEY-1"}, 2, "--text is required"},
				{"text and clear", []string{"--control", "KEY-1", "--text", "x", "--clear"}, 2, "not both"},
				{"no control", []string{"--text", "x"}, 2, "--control is required"},
				{"an unknown control", []string{"--control", "NOPE-9", "--text", "x"}, 2, "--control NOPE-9 is not a control of audit 1"},
				{"no deviation", []string{"--control", "LOG-1", "--text", "x"}, 1, "--text: LOG-1 has no deviation in this audit"},
				{"too long", []string{"--control", "KEY-1", "--text", strings.Repeat("x", 2001)}, 1, "--text: is longer than 2000 characters"},
			} {
				r := run(append([]string{"audit", "root-cause", "--org", "acme", "--audit", "1"}, c.args...)...)
				if r.code != c.code || !strings.Contains(r.stderr, c.says) {
					t.Errorf("%s: %+v", c.name, r)
				}
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "x", "--control", "KEY-1", "--text", "y"); r.code != 2 || !strings.Contains(r.stderr, "--audit") {
				t.Errorf("a bad --audit: %+v", r)
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "1", "--control", "key-1", "--text", "a rotation job was disabled"); r.code != 0 ||
				!strings.Contains(r.stdout, "recorded the root cause of KEY-1's deviation in audit 1") {
				t.Fatalf("record: %+v", r)
			}
			r = run("audit", "results", "--org", "acme", "--audit", "1", "--json")
			var res programme.AuditResults
			if err := json.Unmarshal([]byte(r.stdout), &res); r.code != 0 || err != nil {
				t.Fatalf("results --json: %+v %v", r, err)
			}
			causes := map[string]string{}
			for _, c := range res.Controls {
				causes[c.Ref] = c.RootCause
			}
			if causes["KEY-1"] != "a rotation job was disabled" || causes["LOG-1"] != "" {
				t.Fatalf("the root causes recorded: %v", causes)
			}
			if r := run("audit", "results", "--org", "acme", "--audit", "1"); !lineHas(r.stdout, "KEY-1", "deviation", "a rotation job was disabled") {
				t.Errorf("the table lacks the root cause: %+v", r)
			}
			// A root cause of the deviation item, named by the key the
			// results list, beside the control's.
			const item = "monitoring:test-KEY-1:user:ada:2026-02-01"
			if r := run("audit", "results", "--org", "acme", "--audit", "1"); !lineHas(r.stdout, "KEY-1", item, "test-KEY-1 on user ada", "-") {
				t.Fatalf("the results lack the item's key: %+v", r)
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "1", "--control", "KEY-1", "--item", "monitoring:nope", "--text", "x"); r.code != 1 ||
				!strings.Contains(r.stderr, `--item: "monitoring:nope" is not a deviation of KEY-1`) {
				t.Errorf("an unknown item: %+v", r)
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "1", "--control", "KEY-1", "--item", item, "--text", "ada's key was exempt"); r.code != 0 ||
				!strings.Contains(r.stdout, "recorded the root cause of KEY-1's item "+item) {
				t.Fatalf("record an item's root cause: %+v", r)
			}
			if r := run("audit", "results", "--org", "acme", "--audit", "1"); !lineHas(r.stdout, "KEY-1", item, "ada's key was exempt") ||
				!lineHas(r.stdout, "KEY-1", "deviation", "a rotation job was disabled") {
				t.Errorf("the table lacks the item's root cause: %+v", r)
			}
			r = run("audit", "results", "--org", "acme", "--audit", "1", "--json")
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.Controls) == 0 || res.Controls[0].Ref != "KEY-1" ||
				len(res.Controls[0].Deviations) != 1 || res.Controls[0].Deviations[0].Key != item || res.Controls[0].Deviations[0].RootCause != "ada's key was exempt" {
				t.Fatalf("results --json with the item's root cause: %+v %v", r, err)
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "1", "--control", "KEY-1", "--item", item, "--clear"); r.code != 0 ||
				!strings.Contains(r.stdout, "cleared the root cause of KEY-1's item") {
				t.Fatalf("clear the item's root cause: %+v", r)
			}
			if r := run("audit", "results", "--org", "acme", "--audit", "1"); strings.Contains(r.stdout, "exempt") {
				t.Errorf("a cleared item root cause is still listed: %+v", r)
			}
			if r := run("audit", "root-cause", "--org", "acme", "--audit", "1", "--control", "KEY-1", "--clear"); r.code != 0 || !strings.Contains(r.stdout, "cleared") {
				t.Fatalf("clear: %+v", r)
			}
			if r := run("audit", "results", "--org", "acme", "--audit", "1"); strings.Contains(r.stdout, "rotation") {
				t.Errorf("a cleared root cause is still listed: %+v", r)
			}

			// Ending an invited auditor's access.
			if r := runCLI(t, vars, "correct horse battery staple\n", "user", "create", "--org", "acme", "--email", "lead@acme.test", "--name", "Lead", "--role", "manager", "--password-stdin"); r.code != 0 {
				t.Fatalf("user: %+v", r)
			}
			if r := run("audit", "invite", "--org", "acme", "--audit", "1", "--as", "lead@acme.test", "--email", "ana@ledger.test"); r.code != 0 {
				t.Fatalf("invite: %+v", r)
			}
			if r := run("audit", "revoke", "--org", "acme", "--audit", "1"); r.code != 2 || !strings.Contains(r.stderr, "--email is required") {
				t.Errorf("no --email: %+v", r)
			}
			if r := run("audit", "revoke", "--org", "acme", "--audit", "1", "--email", "Ana@Ledger.test"); r.code != 0 || !strings.Contains(r.stdout, "the access of ana@ledger.test to audit 1 has ended") {
				t.Fatalf("revoke: %+v", r)
			}
			if r := run("audit", "show", "--org", "acme", "--audit", "1", "--json"); r.code != 0 || strings.Contains(r.stdout, "ana@ledger.test") {
				t.Errorf("the auditor is still listed: %+v", r)
			}
			if r := run("audit", "revoke", "--org", "acme", "--audit", "1", "--email", "ana@ledger.test"); r.code != 1 || !strings.Contains(r.stderr, "is not an auditor of audit 1") {
				t.Errorf("revoke twice: %+v", r)
			}
		})
	}
}

// lineHas reports whether a line of out holds every word, in order.
func lineHas(out string, words ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := line, true
		for _, w := range words {
			i := strings.Index(rest, w)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(w):]
		}
		if ok {
			return true
		}
	}
	return false
}
