// Package jobs runs Attest's background work: collections of a connection,
// on its schedule and on demand ("Run now", webhooks), and notifications (a
// round every minute, and a job per message to send). It is the only package
// that knows River, the job queue; River keeps its tables in Attest's own
// database, SQLite or PostgreSQL, so a queued job survives a restart and any
// number of processes (`attest serve`, `attest worker`) can share the work: a
// job is locked by the process that takes it, so no two run it at once.
//
// What a job does is not decided here. A collect job calls a Runner (the
// monitoring service); the schedule job asks a Scheduler (the connection
// service) which connections are due; the notify and deliver jobs call a
// Notifier (the notification service). All are interfaces, so this package
// depends on none of them.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Runner collects a connection and tests what it found. only, when not
// empty, limits the collection to those resources.
//
// A Runner's error decides whether the job is tried again: a coded error that
// says the request itself is wrong (attest.EINVALID, ENOTFOUND, EFORBIDDEN,
// EUNAUTHORIZED: a bad setting, a removed connection, a revoked credential)
// fails the job at once, since trying again cannot help; any other error (the
// provider is down, a timeout, throttling) is tried again with backoff.
type Runner interface {
	Run(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) error
}

// Scheduler names the connections whose scheduled collection is due at now,
// in every organization.
type Scheduler interface {
	Due(ctx context.Context, now time.Time) ([]attest.Connection, error)
}

// Config tunes a Jobs. Zero fields take the defaults below.
type Config struct {
	// Workers is how many collections this process runs at once.
	Workers int
	// PollInterval is how often an idle process looks for jobs queued by
	// another process. Jobs this process queues itself start at once.
	PollInterval time.Duration
	// Timeout bounds one attempt of one collection.
	Timeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for a worker that died mid-run (killed, its machine lost) and queued
	// again; it must exceed Timeout. Zero: Timeout and 5 minutes.
	RescueAfter time.Duration
	// HeartbeatEvery is how often a running process tells the database it
	// is alive, and looks for jobs left running by processes that are not.
	// Zero: a sixth of LostAfter, at most DefaultHeartbeat, so that a
	// process is not taken for lost over a slow beat or two.
	HeartbeatEvery time.Duration
	// LostAfter is how long a process may be silent before the jobs it was
	// running are put back in the queue for another: far sooner than
	// RescueAfter, which must outlast the longest collection. It must
	// exceed a few heartbeats. Zero: a minute.
	LostAfter time.Duration
	// MaxAttempts is how many times a failing collection is tried in all.
	MaxAttempts int
	// RetryBase is the wait before the first retry; each further retry waits
	// twice as long as the one before, up to MaxRetryWait.
	RetryBase time.Duration
	// ScheduleEvery is how often the schedule job asks which connections are due.
	ScheduleEvery time.Duration
	// Notifier, when set, runs a notification round every NotifyEvery and
	// sends the messages it queues.
	Notifier    Notifier
	NotifyEvery time.Duration

	// Observe, when set, is told of every job attempt this process runs:
	// its kind (collect, schedule, notify, deliver), how long it took and
	// whether it failed. A snoozed delivery (the channel asked to wait) is
	// not a failure. The process's metrics count them.
	Observe func(kind string, took time.Duration, failed bool)
	// Requeued, when set, is told how many jobs of silent processes this
	// process put back in the queue; the process's metrics count them.
	Requeued func(n int)

	Log *slog.Logger     // nil → discard
	Now func() time.Time // the clock the scheduler passes to Due; nil → time.Now
}

// Defaults.
const (
	DefaultWorkers       = 4
	DefaultPollInterval  = time.Second
	DefaultTimeout       = 30 * time.Minute
	DefaultMaxAttempts   = 5
	DefaultRetryBase     = 30 * time.Second
	DefaultScheduleEvery = time.Minute
	DefaultNotifyEvery   = time.Minute
	DefaultHeartbeat     = 10 * time.Second
	DefaultLostAfter     = time.Minute
	MaxRetryWait         = 30 * time.Minute
)

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RescueAfter <= c.Timeout {
		c.RescueAfter = c.Timeout + 5*time.Minute
	}
	if c.LostAfter <= 0 {
		c.LostAfter = DefaultLostAfter
	}
	if c.HeartbeatEvery <= 0 {
		c.HeartbeatEvery = min(DefaultHeartbeat, max(c.LostAfter/6, 10*time.Millisecond))
	}
	if c.LostAfter < 3*c.HeartbeatEvery {
		c.LostAfter = 3 * c.HeartbeatEvery
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.ScheduleEvery <= 0 {
		c.ScheduleEvery = DefaultScheduleEvery
	}
	if c.NotifyEvery <= 0 {
		c.NotifyEvery = DefaultNotifyEvery
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// queue is the one queue Attest's jobs go through.
const queue = "attest"

// Jobs queues collections and, once started, runs them.
type Jobs struct {
	cfg    Config
	db     *store.DB
	run    Runner
	sched  Scheduler
	client *river.Client[*sql.Tx]
	// starting is held by Start while the job client starts and by every
	// insert: the client's Insert reads, unsynchronized, what its Start is
	// still setting up (a producer's fetch trigger), a race the detector
	// reported when a job was queued as the worker started.
	starting sync.RWMutex

	// watching is closed to stop the heartbeat; watched is closed when it
	// has stopped. Both are nil until Start.
	watching, watched chan struct{}
}

// New builds the job client over db. It can queue jobs at once (a web server
// whose jobs run in an `attest worker` only queues); Start makes it run them
// too. sched may be nil: then this process never schedules collections, it
// only runs those queued. Call Migrate first.
func New(db *store.DB, cfg Config, run Runner, sched Scheduler) (*Jobs, error) {
	if run == nil {
		return nil, errors.New("jobs: a Runner is required")
	}
	cfg = cfg.withDefaults()
	drv, err := driver(db)
	if err != nil {
		return nil, err
	}
	j := &Jobs{cfg: cfg, db: db, run: run, sched: sched}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &collectWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &scheduleWorker{j: j}); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if cfg.Notifier != nil {
		if err := river.AddWorkerSafely(workers, &roundWorker{j: j}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		if err := river.AddWorkerSafely(workers, &deliverWorker{j: j}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	rc := &river.Config{
		Logger:            cfg.Log,
		Queues:            map[string]river.QueueConfig{queue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, river.FetchCooldownDefault),
		MaxAttempts:       cfg.MaxAttempts,
		// A job whose process died mid-run is given to another after this;
		// it must exceed the longest attempt.
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           cfg.Timeout,
	}
	if cfg.Observe != nil {
		rc.Middleware = []rivertype.Middleware{observe(cfg.Observe)}
	}
	if sched != nil {
		rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.ScheduleEvery),
			func() (river.JobArgs, *river.InsertOpts) { return scheduleArgs{}, nil },
			&river.PeriodicJobOpts{ID: "schedule", RunOnStart: true})}
	}
	if cfg.Notifier != nil {
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.NotifyEvery),
			func() (river.JobArgs, *river.InsertOpts) { return roundArgs{}, nil },
			&river.PeriodicJobOpts{ID: "notify", RunOnStart: true}))
	}
	j.client, err = river.NewClient(drv, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return j, nil
}

// observe wraps every job attempt to tell f its kind, duration and outcome.
// A panicking job counts as failed (River recovers it above this).
func observe(f func(kind string, took time.Duration, failed bool)) rivertype.Middleware {
	return river.WorkerMiddlewareFunc(func(ctx context.Context, job *rivertype.JobRow, next func(context.Context) error) error {
		start, failed := time.Now(), true
		defer func() { f(job.Kind, time.Since(start), failed) }()
		err := next(ctx)
		var snooze *rivertype.JobSnoozeError
		failed = err != nil && !errors.As(err, &snooze)
		return err
	})
}

// driver picks River's driver for the store's dialect. Both take the store's
// own connection pool. On PostgreSQL the database/sql driver does not listen
// for notifications: a process learns of jobs queued by others by polling
// (PollInterval), and of its own at once.
func driver(db *store.DB) (riverdriver.Driver[*sql.Tx], error) {
	switch db.Dialect() {
	case store.SQLite:
		return riversqlite.New(db.Handle()), nil
	case store.Postgres:
		return riverdatabasesql.New(db.Handle()), nil
	}
	return nil, fmt.Errorf("jobs: unsupported database %s", db.Dialect())
}

// Migrate creates or upgrades River's own tables (river_job, river_leader,
// river_queue …) beside Attest's, and returns the River schema versions it
// applied. It is safe to call on every start.
func Migrate(ctx context.Context, db *store.DB) ([]int, error) {
	drv, err := driver(db)
	if err != nil {
		return nil, err
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("job queue migrations on %s: %w", db, err)
	}
	var versions []int
	for _, v := range res.Versions {
		versions = append(versions, v.Version)
	}
	return versions, nil
}

// Start runs jobs in the background until Stop: queued collections, and
// (with a Scheduler) the schedule every ScheduleEvery. Cancelling ctx does not
// stop them; Stop does, letting running collections finish.
//
// While it runs, the process beats every HeartbeatEvery in the database
// (table job_processes) and puts back in the queue the jobs of any process
// silent for LostAfter: a process killed mid-collection does not leave its
// collection "running", nor block its connection's schedule, for the queue's
// rescue delay (RescueAfter, over half an hour by default).
func (j *Jobs) Start(ctx context.Context) error {
	if err := j.beat(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	j.starting.Lock()
	err := j.client.Start(context.WithoutCancel(ctx))
	j.starting.Unlock()
	if err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	j.watching, j.watched = make(chan struct{}), make(chan struct{})
	go j.watch()
	return nil
}

// beat records that this process is alive.
func (j *Jobs) beat(ctx context.Context) error {
	return j.db.BeatProcess(ctx, j.client.ID(), host, os.Getpid())
}

// host names this machine in job_processes, for an operator.
var host = func() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}()

// watch beats and requeues the jobs of lost processes every HeartbeatEvery
// until Stop. A beat that fails (the database unreachable) is tried at the
// next tick; if this process stays silent for LostAfter, its own running
// jobs may be given to another process and run twice, which a collection
// tolerates (the later one is recorded after the earlier).
func (j *Jobs) watch() {
	defer close(j.watched)
	t := time.NewTicker(j.cfg.HeartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-j.watching:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), j.cfg.HeartbeatEvery)
		if err := j.beat(ctx); err != nil {
			j.cfg.Log.Warn("job process heartbeat failed", "err", err)
		} else if ids, err := j.db.RequeueJobsOfLostProcesses(ctx, j.cfg.LostAfter); err != nil {
			j.cfg.Log.Warn("requeue the jobs of lost processes", "err", err)
		} else if len(ids) > 0 {
			j.cfg.Log.Warn("requeued jobs left running by a lost process", "jobs", ids, "silent_for_more_than", j.cfg.LostAfter)
			if j.cfg.Requeued != nil {
				j.cfg.Requeued(len(ids))
			}
		}
		cancel()
	}
}

// Stop stops taking jobs and waits for running ones to finish. When ctx ends
// first, running collections are cancelled; River puts them back in the queue
// (the attempt is not counted) for the next start.
func (j *Jobs) Stop(ctx context.Context) error {
	err := j.stop(ctx)
	if j.watching != nil {
		close(j.watching)
		<-j.watched
		j.watching = nil
		if err == nil {
			// Every job it ran has finished or gone back to the queue.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if ferr := j.db.ForgetProcess(fctx, j.client.ID()); ferr != nil {
				j.cfg.Log.Warn("forget this job process", "err", ferr)
			}
		}
	}
	return err
}

func (j *Jobs) stop(ctx context.Context) error {
	err := j.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := j.client.StopAndCancel(hctx); err != nil {
		return fmt.Errorf("stop jobs: %w", err)
	}
	return nil
}

// insert queues a job, never while the client is starting (starting).
func (j *Jobs) insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	j.starting.RLock()
	defer j.starting.RUnlock()
	return j.client.Insert(ctx, args, opts)
}

// Enqueue queues a collection of one connection now ("Run now", a webhook)
// and returns the job's ID for Status. only, when not empty, limits it to
// those resources. It does not wait for a scheduled collection of the same
// connection: a person asking now gets a collection that starts after they
// asked.
func (j *Jobs) Enqueue(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) (int64, error) {
	if orgID <= 0 || connectionID <= 0 {
		return 0, attest.Invalid("connection", "a collection needs an organization and a connection")
	}
	res, err := j.insert(ctx, collectArgs{OrgID: orgID, ConnectionID: connectionID, Only: only}, nil)
	if err != nil {
		return 0, fmt.Errorf("queue collection of connection %d: %w", connectionID, err)
	}
	return res.Job.ID, nil
}

// Status is where a collection job is.
type Status string

const (
	Queued  Status = "queued"  // waiting to start, or to be tried again after an error
	Running Status = "running" // a worker is collecting
	Done    Status = "done"    // collected and tested
	Failed  Status = "failed"  // gave up: Error says why
)

// State is a collection job's progress, for the UI's "Run now".
type State struct {
	ID           int64  `json:"id"`
	OrgID        int64  `json:"-"`
	ConnectionID int64  `json:"connection_id"`
	Status       Status `json:"status"`
	// Attempt is how many times it has started; MaxAttempts how many it may.
	Attempt     int `json:"attempt"`
	MaxAttempts int `json:"max_attempts"`
	// Error is the last attempt's error: why it failed, or, while queued
	// again, why it is being retried.
	Error      string    `json:"error,omitempty"`
	QueuedAt   time.Time `json:"queued_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// Status reports a collection job's progress. The job belongs to
// State.OrgID: a caller answering a person uses StatusFor, or checks that it
// is theirs. Finished jobs are kept for a day (River's retention), then not
// found.
func (j *Jobs) Status(ctx context.Context, jobID int64) (State, error) {
	row, err := j.client.JobGet(ctx, jobID)
	if errors.Is(err, rivertype.ErrNotFound) || (err == nil && row.Kind != collectArgs{}.Kind()) {
		return State{}, attest.Errorf(attest.ENOTFOUND, "job %d not found", jobID)
	}
	if err != nil {
		return State{}, fmt.Errorf("job %d: %w", jobID, err)
	}
	return stateOf(row)
}

// StatusFor is Status for a person of organization orgID: another
// organization's job is not found, as if it did not exist.
func (j *Jobs) StatusFor(ctx context.Context, orgID, jobID int64) (State, error) {
	s, err := j.Status(ctx, jobID)
	if err == nil && s.OrgID != orgID {
		return State{}, attest.Errorf(attest.ENOTFOUND, "job %d not found", jobID)
	}
	return s, err
}
