package cli

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// idle runs nothing: the queue here is only written to.
type idle struct{}

func (idle) Run(context.Context, int64, int64, []attest.ResourceRef) error { return nil }

// TestJobsShowsProcessesAndQueue: `attest jobs` lists the processes that
// beat in the database, alive or lost by --job-lost-after, and the queue's
// jobs by kind and state, on each database.
func TestJobsShowsProcessesAndQueue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			run := func(args ...string) result { return runCLI(t, vars, "", args...) }
			if r := run("org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if r := run("jobs"); r.code != 0 || !lineHas(r.stdout, "No job process is registered") || !lineHas(r.stdout, "queue is empty") {
				t.Fatalf("jobs on a new install: %+v", r)
			}
			db, err := store.Open(ctx, store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for i, host := range []string{"node-a", "node-b"} {
				if err := db.BeatProcess(ctx, "client-"+host[5:], host, 4101+i*101); err != nil {
					t.Fatal(err)
				}
			}
			// node-b was last heard of two minutes ago.
			if _, err := db.Handle().ExecContext(ctx, `UPDATE job_processes SET seen_at = seen_at - 120 WHERE id = 'client-b'`); err != nil {
				t.Fatal(err)
			}
			q, err := jobs.New(db, jobs.Config{}, idle{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := q.Enqueue(ctx, 1, 7, nil); err != nil {
					t.Fatal(err)
				}
			}

			r := run("jobs")
			if r.code != 0 || !lineHas(r.stdout, "node-a", "4101", "alive", "client-a") || !lineHas(r.stdout, "node-b", "4202", "lost", "client-b") ||
				!lineHas(r.stdout, "collect", "available", "3") {
				t.Fatalf("jobs: %+v", r)
			}
			// With a longer grace, node-b is not lost yet.
			if r := run("jobs", "--job-lost-after", "5m"); r.code != 0 || !lineHas(r.stdout, "node-b", "alive") {
				t.Fatalf("jobs --job-lost-after 5m: %+v", r)
			}
			r = run("jobs", "--json")
			var out struct {
				Processes []struct {
					ID            string  `json:"id"`
					Host          string  `json:"host"`
					PID           int     `json:"pid"`
					SilentSeconds float64 `json:"silent_seconds"`
					Lost          bool    `json:"lost"`
				} `json:"processes"`
				Jobs []struct {
					Kind  string `json:"kind"`
					State string `json:"state"`
					Count int    `json:"count"`
				} `json:"jobs"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
				t.Fatalf("jobs --json: %v %+v", err, r)
			}
			if len(out.Processes) != 2 || out.Processes[0].ID != "client-a" || out.Processes[0].Lost || out.Processes[1].PID != 4202 ||
				!out.Processes[1].Lost || out.Processes[1].SilentSeconds < 119 {
				t.Errorf("processes: %+v", out.Processes)
			}
			if len(out.Jobs) != 1 || out.Jobs[0] != (struct {
				Kind  string `json:"kind"`
				State string `json:"state"`
				Count int    `json:"count"`
			}{"collect", "available", 3}) {
				t.Errorf("jobs: %+v", out.Jobs)
			}
			if r := run("jobs", "--job-lost-after", "soon"); r.code == 0 || !lineHas(r.stderr, "--job-lost-after") {
				t.Errorf("a bad --job-lost-after: %+v", r)
			}
		})
	}
}
