package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs"
)

// runJobs shows an operator the install's job processes (every `attest
// serve` and `attest worker` that runs jobs, as their heartbeats left them)
// and what the job queue holds, by kind and state: which nodes are alive, and
// whether collections are waiting, running, retried or given up.
func runJobs(e *env, args []string) error {
	f := newFlags("jobs", e)
	asJSON := f.fs.Bool("json", false, "print JSON")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	lostAfter, err := f.duration("job-lost-after")
	if err != nil {
		return err
	}
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	ov, err := (jobs.Board{DB: s.DB, LostAfter: lostAfter}).Overview(e.ctx)
	if err != nil {
		return err
	}
	out := ov.JSON()
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out.Processes) == 0 {
		fmt.Fprintln(e.stdout, "No job process is registered: no `attest serve` or `attest worker` is running jobs on this database.")
	} else {
		fmt.Fprintf(e.stdout, "Job processes (a process silent for over %s is lost; its running jobs go to another):\n", ov.LostAfter)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOST\tPID\tUP\tLAST HEARD\tSTATE\tID")
		for _, p := range out.Processes {
			state := "alive"
			if p.Lost {
				state = "lost"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s ago\t%s\t%s\n", p.Host, p.PID, roundDuration(p.UpSeconds), roundDuration(p.SilentSeconds), state, p.ID)
		}
		tw.Flush()
	}
	if len(out.Jobs) == 0 {
		fmt.Fprintln(e.stdout, "The job queue is empty.")
		return nil
	}
	fmt.Fprintln(e.stdout, "Job queue (completed and cancelled jobs are kept for a day, discarded ones for a week):")
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tSTATE\tJOBS")
	for _, c := range out.Jobs {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", c.Kind, c.State, c.Count)
	}
	return tw.Flush()
}

// roundDuration shows seconds as a duration to the second.
func roundDuration(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}
