package ui_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// TestJobsPage: an admin sees the install's job processes, alive or lost
// by the rule the processes apply (silent for over a minute by default),
// and the queue by kind and state, and finds the page from Settings; no
// other role, nor another organization's member on this organization's
// address, is shown it.
func TestJobsPage(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			admin := e.Login("admin")
			if res := admin.Get("/o/alpha/settings"); !strings.Contains(res.Text, `href="/o/alpha/settings/jobs"`) {
				t.Fatal("Settings does not link to the Jobs page")
			}
			res := admin.Get("/o/alpha/settings/jobs")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No job process is registered") || !strings.Contains(res.Text, "The job queue is empty") {
				t.Fatalf("a new install's jobs page: %d\n%s", res.StatusCode, res.Text)
			}

			for i, host := range []string{"node-a", "node-b", "node-c"} {
				if err := e.DB.BeatProcess(ctx, "client-"+host[5:], host, 4101+i*101); err != nil {
					t.Fatal(err)
				}
			}
			// node-b was last heard of two minutes ago, node-c 50 seconds
			// ago: with the default minute only node-b is lost.
			for id, ago := range map[string]int{"client-b": 120, "client-c": 50} {
				if _, err := e.DB.Handle().ExecContext(ctx, `UPDATE job_processes SET seen_at = seen_at - $1 WHERE id = $2`, ago, id); err != nil {
					t.Fatal(err)
				}
			}
			for range 3 {
				if _, err := e.Jobs.Enqueue(ctx, e.Alpha.ID, 7, nil); err != nil {
					t.Fatal(err)
				}
			}
			res = admin.Get("/o/alpha/settings/jobs")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("jobs page: %d", res.StatusCode)
			}
			row := func(attr string) string {
				m := regexp.MustCompile(`(?s)<tr ` + regexp.QuoteMeta(attr) + `>(.*?)</tr>`).FindStringSubmatch(res.Text)
				if m == nil {
					t.Fatalf("no row %s:\n%s", attr, res.Text)
				}
				return m[1]
			}
			for _, c := range []struct {
				id, host, pid, state, heard string
			}{{"client-a", "node-a", "4101", "Alive", "s ago</td>"}, {"client-b", "node-b", "4202", "Lost", "<td>2m"},
				{"client-c", "node-c", "4303", "Alive", "<td>5"}} {
				r := row(`data-process="` + c.id + `"`)
				for _, want := range []string{"<td>" + c.host + "</td>", "<td>" + c.pid + "</td>", ">" + c.state + "</span>", c.heard} {
					if !strings.Contains(r, want) {
						t.Errorf("process %s: %q not in %s", c.id, want, r)
					}
				}
			}
			if !strings.Contains(res.Text, "2 alive, 1 lost") || !strings.Contains(res.Text, "silent for over 1m0s") {
				t.Errorf("the summary or the rule is missing:\n%s", res.Text)
			}
			if r := row(`data-kind="collect" data-state="available"`); !strings.Contains(r, "<td>3</td>") {
				t.Errorf("queue row: %s", r)
			}

			for _, who := range []string{"manager", "employee", "auditor", "outsider"} {
				res := e.Login(who).Get("/o/alpha/settings/jobs")
				if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d, want refused", who, res.StatusCode)
				}
				if strings.Contains(res.Text, "node-a") || strings.Contains(res.Text, "client-a") {
					t.Errorf("%s is shown the job processes", who)
				}
			}

			// The API gives an admin's script the same, as `attest jobs --json`.
			tok, _ := e.Token(e.Alpha, "admin")
			api := e.API("GET", "/orgs/alpha/jobs", tok, nil)
			var out jobs.OverviewJSON
			if err := json.Unmarshal([]byte(api.Text), &out); err != nil || api.StatusCode != http.StatusOK {
				t.Fatalf("GET /api/v1/orgs/alpha/jobs: %d %v %s", api.StatusCode, err, api.Text)
			}
			lost := map[string]bool{}
			for _, p := range out.Processes {
				lost[p.Host] = p.Lost
			}
			if out.LostAfterSeconds != 60 || len(out.Processes) != 3 || lost["node-a"] || !lost["node-b"] || lost["node-c"] ||
				len(out.Jobs) != 1 || out.Jobs[0] != (jobs.CountJSON{Kind: "collect", State: "available", Count: 3}) {
				t.Errorf("API: %s", api.Text)
			}
			tok, _ = e.Token(e.Alpha, "manager")
			if api := e.API("GET", "/orgs/alpha/jobs", tok, nil); api.StatusCode != http.StatusForbidden || strings.Contains(api.Text, "node-a") {
				t.Errorf("a manager's token: %d %s", api.StatusCode, api.Text)
			}
		})
	}
}
