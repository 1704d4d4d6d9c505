package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/attest-hq/attest"
)

// collectArgs is a queued collection. The unique tags say what makes two
// scheduled collections the same: the connection, whatever else differs.
type collectArgs struct {
	OrgID        int64                `json:"org_id" river:"unique"`
	ConnectionID int64                `json:"connection_id" river:"unique"`
	Only         []attest.ResourceRef `json:"only,omitempty"`
}

func (collectArgs) Kind() string { return "collect" }

func (collectArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queue} }

type collectWorker struct {
	river.WorkerDefaults[collectArgs]
	j *Jobs
}

func (w *collectWorker) Work(ctx context.Context, job *river.Job[collectArgs]) error {
	a := job.Args
	err := w.j.run.Run(ctx, a.OrgID, a.ConnectionID, a.Only)
	if err == nil {
		return nil
	}
	if permanent(err) {
		// Trying again cannot help: fail now, with the reason for the UI.
		return river.JobCancel(err)
	}
	return err
}

func (w *collectWorker) Timeout(*river.Job[collectArgs]) time.Duration { return w.j.cfg.Timeout }

func (w *collectWorker) NextRetry(job *river.Job[collectArgs]) time.Time {
	return time.Now().Add(backoff(w.j.cfg.RetryBase, job.Attempt))
}

// permanent reports whether err says the request itself is wrong, so that
// trying again would fail the same way.
func permanent(err error) bool {
	switch attest.ErrorCode(err) {
	case attest.EINVALID, attest.ENOTFOUND, attest.EFORBIDDEN, attest.EUNAUTHORIZED:
		return true
	}
	return false
}

// backoff is the wait after the attempt-th failed attempt: base, then twice
// as long each time, at most MaxRetryWait. An outage of the provider thus
// costs a few calls, not one a second.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= MaxRetryWait {
			return MaxRetryWait
		}
	}
	return min(d, MaxRetryWait)
}

// stateOf reads a River job row as a State.
func stateOf(row *rivertype.JobRow) (State, error) {
	var a collectArgs
	if err := json.Unmarshal(row.EncodedArgs, &a); err != nil {
		return State{}, fmt.Errorf("job %d: %w", row.ID, err)
	}
	s := State{ID: row.ID, OrgID: a.OrgID, ConnectionID: a.ConnectionID, Attempt: row.Attempt,
		MaxAttempts: row.MaxAttempts, QueuedAt: row.CreatedAt.UTC()}
	if n := len(row.Errors); n > 0 {
		s.Error = row.Errors[n-1].Error
	}
	if row.FinalizedAt != nil {
		s.FinishedAt = row.FinalizedAt.UTC()
	}
	switch row.State {
	case rivertype.JobStateRunning:
		s.Status = Running
	case rivertype.JobStateCompleted:
		s.Status = Done
	case rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
		s.Status = Failed
	default: // available, scheduled, retryable, pending
		s.Status = Queued
	}
	return s, nil
}

// scheduleArgs is the periodic job that queues the due collections.
type scheduleArgs struct{}

func (scheduleArgs) Kind() string { return "schedule" }

// A failed pass is not retried: the next one comes within ScheduleEvery.
func (scheduleArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queue, MaxAttempts: 1}
}

type scheduleWorker struct {
	river.WorkerDefaults[scheduleArgs]
	j *Jobs
}

func (w *scheduleWorker) Work(ctx context.Context, _ *river.Job[scheduleArgs]) error {
	_, err := w.j.schedule(ctx)
	return err
}

// activeStates are the states in which a scheduled collection of a
// connection blocks another: queued, waiting for a retry, or running. A
// finished one does not, so the next interval can queue again.
var activeStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// schedule queues a collection of every due connection that has none queued
// or running, and returns the job IDs (an existing job's ID for a connection
// already queued). A connection stays due until its collection is recorded,
// so without the uniqueness each pass would queue it again.
func (j *Jobs) schedule(ctx context.Context) ([]int64, error) {
	if j.sched == nil {
		return nil, errors.New("this process has no scheduler")
	}
	due, err := j.sched.Due(ctx, j.cfg.Now())
	if err != nil {
		return nil, fmt.Errorf("due connections: %w", err)
	}
	opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
	var ids []int64
	var errs []error
	for _, c := range due {
		res, err := j.insert(ctx, collectArgs{OrgID: c.OrgID, ConnectionID: c.ID}, opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("queue collection of connection %d: %w", c.ID, err))
			continue
		}
		ids = append(ids, res.Job.ID)
	}
	return ids, errors.Join(errs...)
}
