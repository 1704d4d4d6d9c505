package store

import (
	"context"
	"fmt"
	"time"
)

// A job process is an `attest serve` or `attest worker` that runs jobs,
// named by its job-queue client ID, which the queue writes into every job
// the process takes. Its heartbeat is kept in seconds by the database's
// clock, never the process's: nodes whose clocks disagree still agree on
// how long one has been silent.

// dbNow is the database's clock in seconds since 1970, as SQL.
func (q *Queries) dbNow() string {
	if q.dialect == Postgres {
		return `extract(epoch from clock_timestamp())`
	}
	return `unixepoch('subsec')`
}

// BeatProcess records that the job process id (on host, as pid) is alive
// now, registering it on its first beat.
func (q *Queries) BeatProcess(ctx context.Context, id, host string, pid int) error {
	now := q.dbNow()
	_, err := q.q.ExecContext(ctx, `INSERT INTO job_processes (id, host, pid, started_at, seen_at)
VALUES ($1, $2, $3, `+now+`, `+now+`)
ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, host, pid)
	if err != nil {
		return fmt.Errorf("job process %s heartbeat: %w", id, err)
	}
	return nil
}

// ForgetProcess removes a job process that stopped cleanly: it gave its
// running jobs back to the queue itself.
func (q *Queries) ForgetProcess(ctx context.Context, id string) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM job_processes WHERE id = $1`, id); err != nil {
		return fmt.Errorf("forget job process %s: %w", id, err)
	}
	return nil
}

// JobProcess is a job process as last heard of.
type JobProcess struct {
	ID     string
	Host   string
	PID    int
	Up     time.Duration // since its first heartbeat
	Silent time.Duration // since its last heartbeat
}

// JobProcesses lists the job processes heard of, the most recently heard first.
func (q *Queries) JobProcesses(ctx context.Context) ([]JobProcess, error) {
	now := q.dbNow()
	rows, err := q.q.QueryContext(ctx, `SELECT id, host, pid, `+now+` - started_at, `+now+` - seen_at FROM job_processes ORDER BY seen_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("job processes: %w", err)
	}
	defer rows.Close()
	var out []JobProcess
	for rows.Next() {
		var p JobProcess
		var up, silent float64
		if err := rows.Scan(&p.ID, &p.Host, &p.PID, &up, &silent); err != nil {
			return nil, fmt.Errorf("job processes: %w", err)
		}
		p.Up, p.Silent = seconds(up), seconds(silent)
		out = append(out, p)
	}
	return out, rows.Err()
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// JobCount is how many jobs of one kind the queue holds in one state
// (River's states: available, scheduled, running, retryable, completed,
// cancelled, discarded, pending).
type JobCount struct {
	Kind  string
	State string
	N     int
}

// JobCounts counts the queue's jobs by kind and state, across every
// organization: the install's queue, for its operator. Finished jobs stay
// counted until the queue's retention removes them.
func (q *Queries) JobCounts(ctx context.Context) ([]JobCount, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT kind, state, count(*) FROM river_job GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		return nil, fmt.Errorf("job counts: %w", err)
	}
	defer rows.Close()
	var out []JobCount
	for rows.Next() {
		var c JobCount
		if err := rows.Scan(&c.Kind, &c.State, &c.N); err != nil {
			return nil, fmt.Errorf("job counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RequeueJobsOfLostProcesses puts back in the queue, available at once,
// every job still running in a process silent for longer than lost, and
// returns their IDs. The job queue's own tables (River's river_job) are
// written here because this is where Attest's SQL lives; the queue rescues
// such jobs itself only after its rescue delay, which must outlast the
// longest collection. The attempt stays counted. The job's last attempt is
// the lost process's (the last of its attempted_by): a job another process
// has taken since is left alone. Processes silent for a day are forgotten.
func (q *Queries) RequeueJobsOfLostProcesses(ctx context.Context, lost time.Duration) ([]int64, error) {
	now, secs := q.dbNow(), lost.Seconds()
	last, at := `json_extract(attempted_by, '$[#-1]')`, `datetime('now', 'subsec')`
	if q.dialect == Postgres {
		last, at = `attempted_by[array_length(attempted_by, 1)]`, `now()`
	}
	rows, err := q.q.QueryContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = `+at+`
WHERE state = 'running' AND `+last+` IN (SELECT id FROM job_processes WHERE seen_at < `+now+` - $1)
RETURNING id`, secs)
	if err != nil {
		return nil, fmt.Errorf("requeue jobs of lost processes: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("requeue jobs of lost processes: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("requeue jobs of lost processes: %w", err)
	}
	if _, err := q.q.ExecContext(ctx, `DELETE FROM job_processes WHERE seen_at < `+now+` - 86400`); err != nil {
		return ids, fmt.Errorf("forget lost job processes: %w", err)
	}
	return ids, nil
}
