package jobs

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Board shows an operator the install's job processes, judged alive or
// lost, and what the job queue holds: the one reading behind `attest jobs`,
// the Jobs page and the job families of /metrics, so that all three judge a
// process by the rule the running processes apply. It needs no job client:
// a process that runs no jobs (serve --no-jobs, the CLI) reads it too.
type Board struct {
	DB *store.DB
	// LostAfter is --job-lost-after, as the processes are given it (zero:
	// DefaultLostAfter).
	LostAfter time.Duration
}

// Process is a job process as last heard of, and whether it is lost.
type Process struct {
	store.JobProcess
	// Lost: silent for longer than the board's LostAfter, so the processes
	// still alive give its running jobs to another.
	Lost bool
}

// Overview is the whole board at one moment.
type Overview struct {
	LostAfter time.Duration // the rule the processes were judged by
	Processes []Process     // the most recently heard first
	Queue     []store.JobCount
}

// Lost reports whether a process silent for silent is lost when processes
// are given lostAfter: the rule store.RequeueJobsOfLostProcesses applies in
// SQL (seen_at older than lostAfter), in Go.
func Lost(silent, lostAfter time.Duration) bool { return silent > lostAfter }

// lostAfter is the board's LostAfter as a Jobs given it would apply it
// (Config.withDefaults: zero is the default, and never under three beats).
func (b Board) lostAfter() time.Duration {
	return Config{LostAfter: b.LostAfter}.withDefaults().LostAfter
}

// Processes lists the job processes heard of, the most recently heard
// first, each judged alive or lost.
func (b Board) Processes(ctx context.Context) ([]Process, error) {
	procs, err := b.DB.JobProcesses(ctx)
	if err != nil {
		return nil, err
	}
	lost := b.lostAfter()
	out := make([]Process, 0, len(procs))
	for _, p := range procs {
		out = append(out, Process{JobProcess: p, Lost: Lost(p.Silent, lost)})
	}
	return out, nil
}

// Tally counts the processes alive and lost.
func Tally(procs []Process) (alive, lost int) {
	for _, p := range procs {
		if p.Lost {
			lost++
		} else {
			alive++
		}
	}
	return alive, lost
}

// Queue counts the queue's jobs by kind and state, across every
// organization.
func (b Board) Queue(ctx context.Context) ([]store.JobCount, error) { return b.DB.JobCounts(ctx) }

// Overview reads the processes and the queue.
func (b Board) Overview(ctx context.Context) (Overview, error) {
	procs, err := b.Processes(ctx)
	if err != nil {
		return Overview{}, err
	}
	queue, err := b.Queue(ctx)
	if err != nil {
		return Overview{}, err
	}
	return Overview{LostAfter: b.lostAfter(), Processes: procs, Queue: queue}, nil
}

// OverviewFor is Overview for a member of an organization, who must be one
// of its admins. The job processes and the queue are the install's, not the
// organization's: Attest has no operator role above an organization's
// admins, so any organization's admin sees them. What they show carries no
// organization's records, only host names, process IDs and counts.
func (b Board) OverviewFor(ctx context.Context, p attest.Principal) (Overview, error) {
	if err := p.Require(attest.ActAdmin); err != nil {
		return Overview{}, err
	}
	return b.Overview(ctx)
}

// OverviewJSON is the overview as `attest jobs --json` prints it and the
// API returns it: one shape for scripts, whichever door they use.
type OverviewJSON struct {
	LostAfterSeconds float64       `json:"lost_after_seconds"`
	Processes        []ProcessJSON `json:"processes"`
	Jobs             []CountJSON   `json:"jobs"`
}

// ProcessJSON is a job process in OverviewJSON.
type ProcessJSON struct {
	ID            string  `json:"id"`
	Host          string  `json:"host"`
	PID           int     `json:"pid"`
	UpSeconds     float64 `json:"up_seconds"`
	SilentSeconds float64 `json:"silent_seconds"`
	// Lost is the rule the running processes apply (serve and worker, with
	// the same --job-lost-after): silent for longer than it, its running
	// jobs are given to another process.
	Lost bool `json:"lost"`
}

// CountJSON is how many jobs of a kind are in a state, in OverviewJSON.
type CountJSON struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	Count int    `json:"count"`
}

// JSON is the overview in OverviewJSON's shape, with empty lists as [].
func (o Overview) JSON() OverviewJSON {
	out := OverviewJSON{LostAfterSeconds: o.LostAfter.Seconds(), Processes: []ProcessJSON{}, Jobs: []CountJSON{}}
	for _, p := range o.Processes {
		out.Processes = append(out.Processes, ProcessJSON{ID: p.ID, Host: p.Host, PID: p.PID, UpSeconds: p.Up.Seconds(),
			SilentSeconds: p.Silent.Seconds(), Lost: p.Lost})
	}
	for _, c := range o.Queue {
		out.Jobs = append(out.Jobs, CountJSON{Kind: c.Kind, State: c.State, Count: c.N})
	}
	return out
}
