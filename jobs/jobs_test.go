package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// call is one Runner.Run.
type call struct {
	Worker        string
	OrgID, ConnID int64
	Only          []attest.ResourceRef
}

// recorder is the boundary of this package in the tests: a Runner that
// records every call, safe for concurrent workers. fail, when set, decides
// the outcome of the n-th call (1-based) for a connection.
type recorder struct {
	mu    sync.Mutex
	calls []call
	fail  func(connID int64, n int) error
	// block, when set, holds every call until it is closed or the job's
	// context ends.
	block   chan struct{}
	running chan int64 // receives the connection ID as a call starts, when set
	sched   *memScheduler
	now     func() time.Time
}

// runner is one process's Runner: the recorder tagged with the worker's name.
type runner struct {
	*recorder
	name string
}

func (r runner) Run(ctx context.Context, orgID, connID int64, only []attest.ResourceRef) error {
	r.mu.Lock()
	r.calls = append(r.calls, call{Worker: r.name, OrgID: orgID, ConnID: connID, Only: only})
	n := 0
	for _, c := range r.calls {
		if c.ConnID == connID {
			n++
		}
	}
	fail, block, running, sched := r.fail, r.block, r.running, r.sched
	r.mu.Unlock()
	if running != nil {
		running <- connID
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		if err := fail(connID, n); err != nil {
			return err
		}
	}
	if sched != nil {
		sched.collected(connID, r.now())
	}
	return nil
}

func (r *recorder) snapshot() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// memScheduler is a Scheduler over connections held in memory, with the
// connection service's rule: enabled and not collected within the interval.
type memScheduler struct {
	mu    sync.Mutex
	conns []attest.Connection
	last  map[int64]time.Time
}

func (s *memScheduler) Due(_ context.Context, now time.Time) ([]attest.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []attest.Connection
	for _, c := range s.conns {
		if c.Enabled && !s.last[c.ID].Add(time.Duration(c.IntervalMinutes)*time.Minute).After(now) {
			due = append(due, c)
		}
	}
	return due, nil
}

func (s *memScheduler) collected(connID int64, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last[connID] = at
}

// fast makes the tests quick: short polls and retries.
var fast = Config{Workers: 2, PollInterval: 20 * time.Millisecond, RetryBase: 10 * time.Millisecond}

// openDB opens a migrated database with River's tables.
func openDB(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// each runs fn on a fresh database of each dialect, the two at once: most of
// these tests wait on the job queue's clocks (a lead to expire, a rescuer's
// round), not on the CPU.
func each(t *testing.T, fn func(t *testing.T, url string)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.URL(t, d))
		})
	}
}

func newJobs(t *testing.T, db *store.DB, cfg Config, run Runner, sched Scheduler) *Jobs {
	t.Helper()
	j, err := New(db, cfg, run, sched)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func start(t *testing.T, j *Jobs) {
	t.Helper()
	if err := j.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		j.Stop(ctx)
	})
}

// waitStatus polls until job id reaches want, failing after 20 seconds.
func waitStatus(t *testing.T, j *Jobs, id int64, want Status) State {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, err := j.Status(t.Context(), id)
		if err != nil {
			t.Fatalf("status of job %d: %v", id, err)
		}
		if s.Status == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (%q), want %s", id, s.Status, s.Error, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEnqueuedJobCallsTheRunner(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		rec := &recorder{}
		j := newJobs(t, db, fast, runner{rec, "a"}, nil)
		only := []attest.ResourceRef{{Type: "github.repository", Key: "acme/api"}}
		id, err := j.Enqueue(t.Context(), 3, 7, only)
		if err != nil {
			t.Fatal(err)
		}
		s, err := j.Status(t.Context(), id)
		if err != nil || s.Status != Queued || s.OrgID != 3 || s.ConnectionID != 7 {
			t.Fatalf("before start: %+v, %v; want queued for org 3, connection 7", s, err)
		}
		if n := len(rec.snapshot()); n != 0 {
			t.Fatalf("%d runs before Start", n)
		}
		start(t, j)
		s = waitStatus(t, j, id, Done)
		if s.Attempt != 1 || s.Error != "" || s.FinishedAt.Before(s.QueuedAt) || time.Since(s.QueuedAt).Abs() > time.Minute {
			t.Fatalf("done: %+v", s)
		}
		got := rec.snapshot()
		want := []call{{Worker: "a", OrgID: 3, ConnID: 7, Only: only}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("runner calls %+v, want %+v", got, want)
		}
		if s, err := j.StatusFor(t.Context(), 3, id); err != nil || s.Status != Done {
			t.Fatalf("status for its own organization: %+v, %v", s, err)
		}
		if s, err := j.StatusFor(t.Context(), 4, id); attest.ErrorCode(err) != attest.ENOTFOUND || s != (State{}) {
			t.Fatalf("status for another organization: %+v, %v; want not found", s, err)
		}
		if _, err := j.Status(t.Context(), id+1000); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("status of an unknown job: %v, want not found", err)
		}
		if _, err := j.Enqueue(t.Context(), 3, 0, nil); attest.ErrorCode(err) != attest.EINVALID {
			t.Fatalf("enqueue without a connection: %v, want invalid", err)
		}
	})
}

// Collections queued while the process starts its job client (a webhook, "Run
// now", a notification as `attest worker` or serve starts) are queued and run.
// Without Start and inserts excluding each other, the job client's insert
// reads what its start is still writing: the race detector caught it in
// TestWorkerMetricsCountJobs on PostgreSQL once, and may catch it here, though
// not on every run (it needs an insert inside a window of one query).
func TestEnqueueWhileStarting(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		rec := &recorder{}
		j := newJobs(t, db, fast, runner{rec, "a"}, nil)
		started := make(chan struct{})
		var ids []int64
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for conn := int64(1); conn <= 20; conn++ {
					id, err := j.Enqueue(t.Context(), 1, conn, nil)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
					select {
					case <-started:
						return
					default:
					}
				}
			})
		}
		start(t, j)
		close(started)
		wg.Wait()
		for _, id := range ids {
			waitStatus(t, j, id, Done)
		}
		if n := len(rec.snapshot()); n != len(ids) {
			t.Fatalf("%d jobs queued, %d run", len(ids), n)
		}
	})
}

// A job queued, and one interrupted by Stop, run when the next process starts.
func TestJobsSurviveRestart(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db1 := openDB(t, url)
		first := &recorder{block: make(chan struct{}), running: make(chan int64, 10)}
		j1 := newJobs(t, db1, Config{Workers: 1, PollInterval: 20 * time.Millisecond}, runner{first, "first"}, nil)
		running, err := j1.Enqueue(t.Context(), 1, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		queued, err := j1.Enqueue(t.Context(), 1, 11, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := j1.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		select {
		case id := <-first.running:
			if id != 10 {
				t.Fatalf("first process started connection %d, want 10", id)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the first process never started the job")
		}
		// The collection outlives the stop timeout: it is cancelled and queued again.
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		err = j1.Stop(ctx)
		cancel()
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
		db1.Close()

		db2 := openDB(t, url)
		second := &recorder{}
		j2 := newJobs(t, db2, fast, runner{second, "second"}, nil)
		for _, id := range []int64{running, queued} {
			if s, err := j2.Status(t.Context(), id); err != nil || s.Status != Queued {
				t.Fatalf("job %d after the restart: %+v, %v; want queued", id, s, err)
			}
		}
		start(t, j2)
		waitStatus(t, j2, running, Done)
		waitStatus(t, j2, queued, Done)
		got := second.snapshot()
		slices.SortFunc(got, func(a, b call) int { return int(a.ConnID - b.ConnID) })
		if len(got) != 2 || got[0].ConnID != 10 || got[1].ConnID != 11 {
			t.Fatalf("after the restart the runner saw %+v, want connections 10 and 11 once each", got)
		}
	})
}

func TestScheduleQueuesEachDueConnectionOnce(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		var clockMu sync.Mutex
		clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
		sched := &memScheduler{last: map[int64]time.Time{
			3: now.Add(-10 * time.Minute), // collected recently: not due
		}, conns: []attest.Connection{
			{ID: 1, OrgID: 1, IntervalMinutes: 60, Enabled: true},
			{ID: 2, OrgID: 2, IntervalMinutes: 60, Enabled: true},
			{ID: 3, OrgID: 2, IntervalMinutes: 60, Enabled: true},
			{ID: 4, OrgID: 2, IntervalMinutes: 60, Enabled: false},
		}}
		rec := &recorder{sched: sched, now: clock, block: make(chan struct{}), running: make(chan int64, 10)}
		cfg := fast
		cfg.Now = clock
		cfg.ScheduleEvery = time.Hour // passes are run by the test
		j := newJobs(t, db, cfg, runner{rec, "a"}, sched)

		first, err := j.schedule(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 2 {
			t.Fatalf("first pass queued %v, want a job for connections 1 and 2", first)
		}
		again, err := j.schedule(t.Context())
		if err != nil || !slices.Equal(again, first) {
			t.Fatalf("second pass %v, %v; want the same jobs %v", again, err, first)
		}
		for i, id := range first {
			s, err := j.Status(t.Context(), id)
			if err != nil || s.ConnectionID != int64(i+1) || s.OrgID != int64(i+1) {
				t.Fatalf("job %d: %+v, %v", id, s, err)
			}
		}
		assertCollectJobs(t, j, 2)

		// While collections run, a pass queues nothing new either.
		start(t, j)
		for range 2 {
			select {
			case <-rec.running:
			case <-time.After(20 * time.Second):
				t.Fatal("scheduled collections did not start")
			}
		}
		if during, err := j.schedule(t.Context()); err != nil || !slices.Equal(during, first) {
			t.Fatalf("pass while running: %v, %v; want the running jobs %v", during, err, first)
		}
		close(rec.block)
		for _, id := range first {
			waitStatus(t, j, id, Done)
		}
		if after, err := j.schedule(t.Context()); err != nil || len(after) != 0 {
			t.Fatalf("pass after the collections: %v, %v; want none due", after, err)
		}

		// An interval later they are due again, and a finished job does not block.
		clockMu.Lock()
		now = now.Add(61 * time.Minute)
		clockMu.Unlock()
		next, err := j.schedule(t.Context())
		if err != nil || len(next) != 3 {
			t.Fatalf("pass an interval later: %v, %v; want connections 1, 2 and 3", next, err)
		}
		for _, id := range next {
			if slices.Contains(first, id) {
				t.Fatalf("pass an interval later returned finished job %d", id)
			}
			waitStatus(t, j, id, Done)
		}
		counts := map[int64]int{}
		for _, c := range rec.snapshot() {
			counts[c.ConnID]++
		}
		if fmt.Sprint(counts) != "map[1:2 2:2 3:1]" {
			t.Fatalf("runs per connection %v, want map[1:2 2:2 3:1]", counts)
		}
	})
}

func assertCollectJobs(t *testing.T, j *Jobs, want int) {
	t.Helper()
	res, err := j.client.JobList(t.Context(), river.NewJobListParams().Kinds(collectArgs{}.Kind()).First(1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Jobs) != want {
		t.Fatalf("%d collect jobs in the queue, want %d", len(res.Jobs), want)
	}
}

// Started with a Scheduler, a process schedules on its own: the periodic job
// runs at start and queues what is due.
func TestStartSchedulesDueConnections(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		sched := &memScheduler{last: map[int64]time.Time{}, conns: []attest.Connection{{ID: 5, OrgID: 9, IntervalMinutes: 60, Enabled: true}}}
		rec := &recorder{sched: sched, now: time.Now, running: make(chan int64, 10)}
		j := newJobs(t, db, fast, runner{rec, "a"}, sched)
		start(t, j)
		select {
		case id := <-rec.running:
			if id != 5 {
				t.Fatalf("ran connection %d, want 5", id)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the schedule never ran the due connection")
		}
		// The schedule job itself is no collection: Status does not report it.
		res, err := j.client.JobList(t.Context(), river.NewJobListParams().Kinds(scheduleArgs{}.Kind()))
		if err != nil || len(res.Jobs) == 0 {
			t.Fatalf("schedule jobs: %v, %v", res, err)
		}
		if _, err := j.Status(t.Context(), res.Jobs[0].ID); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("status of the schedule job: %v, want not found", err)
		}
	})
}

func TestFailedCollections(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db := openDB(t, url)
		outage := errors.New("api.github.com: connection refused")
		rec := &recorder{fail: func(connID int64, n int) error {
			switch connID {
			case 1: // the provider is down once, then back
				if n == 1 {
					return outage
				}
			case 2: // a bad setting: trying again cannot help
				return attest.Invalid("settings.org", "no organization named acme-typo")
			case 3: // down for good
				return outage
			}
			return nil
		}}
		cfg := fast
		cfg.MaxAttempts = 3
		j := newJobs(t, db, cfg, runner{rec, "a"}, nil)
		start(t, j)
		ids := map[int64]int64{}
		for conn := int64(1); conn <= 3; conn++ {
			id, err := j.Enqueue(t.Context(), 1, conn, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids[conn] = id
		}
		if s := waitStatus(t, j, ids[1], Done); s.Attempt != 2 || s.Error != outage.Error() {
			t.Fatalf("outage then recovery: %+v; want done on attempt 2, remembering the outage", s)
		}
		if s := waitStatus(t, j, ids[2], Failed); s.Attempt != 1 || !strings.Contains(s.Error, "no organization named acme-typo") {
			t.Fatalf("bad setting: %+v; want failed on attempt 1 with the reason", s)
		}
		if s := waitStatus(t, j, ids[3], Failed); s.Attempt != 3 || s.Error != outage.Error() {
			t.Fatalf("lasting outage: %+v; want failed after 3 attempts with the reason", s)
		}
		counts := map[int64]int{}
		for _, c := range rec.snapshot() {
			counts[c.ConnID]++
		}
		if fmt.Sprint(counts) != "map[1:2 2:1 3:3]" {
			t.Fatalf("calls per connection %v, want map[1:2 2:1 3:3]", counts)
		}
	})
}

func TestBackoffDoubles(t *testing.T) {
	base := 30 * time.Second
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 6: 16 * time.Minute, 7: MaxRetryWait, 40: MaxRetryWait} {
		if got := backoff(base, attempt); got != want {
			t.Errorf("backoff after attempt %d = %s, want %s", attempt, got, want)
		}
	}
}

func TestPermanentErrors(t *testing.T) {
	for err, want := range map[error]bool{
		attest.Invalid("settings.org", "missing"):             true,
		attest.Errorf(attest.ENOTFOUND, "no connection"):      true,
		attest.Errorf(attest.EUNAUTHORIZED, "bad token"):      true,
		attest.Errorf(attest.EFORBIDDEN, "no permission"):     true,
		fmt.Errorf("collect: %w", attest.Invalid("x", "y")):   true,
		attest.Errorf(attest.ETHROTTLED, "rate limited"):      false,
		errors.New("connection refused"):                      false,
		attest.Errorf(attest.ECONFLICT, "already collecting"): false,
	} {
		if got := permanent(err); got != want {
			t.Errorf("permanent(%v) = %v, want %v", err, got, want)
		}
	}
}

// Two processes (two River clients, each with its own connection pool) on one
// database share the queue and never run the same job twice. PostgreSQL is
// where several workers make sense; SQLite is checked too, for a worker beside
// serve on one machine.
func TestTwoWorkersNeverRunAJobTwice(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		dbA, dbB := openDB(t, url), openDB(t, url)
		rec := &recorder{fail: func(int64, int) error { time.Sleep(5 * time.Millisecond); return nil }}
		cfg := Config{Workers: 4, PollInterval: 20 * time.Millisecond}
		a := newJobs(t, dbA, cfg, runner{rec, "a"}, nil)
		b := newJobs(t, dbB, cfg, runner{rec, "b"}, nil)
		const n = 80
		var ids []int64
		for conn := int64(1); conn <= n; conn++ {
			id, err := a.Enqueue(t.Context(), 1, conn, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		start(t, a)
		start(t, b)
		for _, id := range ids {
			waitStatus(t, b, id, Done)
		}
		// Give a duplicate run every chance to show before counting.
		time.Sleep(200 * time.Millisecond)
		runs := map[int64]int{}
		by := map[string]int{}
		for _, c := range rec.snapshot() {
			runs[c.ConnID]++
			by[c.Worker]++
		}
		for conn := int64(1); conn <= n; conn++ {
			if runs[conn] != 1 {
				t.Errorf("connection %d ran %d times, want once", conn, runs[conn])
			}
		}
		if len(runs) != n {
			t.Errorf("%d connections ran, want %d", len(runs), n)
		}
		if by["a"] == 0 || by["b"] == 0 {
			t.Errorf("runs per worker %v: both workers should have taken jobs", by)
		}
		t.Logf("runs per worker: %v", by)
	})
}

// A worker that dies mid-collection (here: its database connections gone,
// its collection never finished nor given back, as after a SIGKILL) leaves
// the job "running"; once RescueAfter has passed, another worker takes it,
// runs it and completes it.
func TestKilledWorkersJobIsRescued(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		db1 := openDB(t, url)
		_, id := startStuck(t, db1, Config{Workers: 1, PollInterval: 20 * time.Millisecond})
		db1.Close()

		db2 := openDB(t, url)
		second := &recorder{}
		cfg := fast
		cfg.Timeout, cfg.RescueAfter = 200*time.Millisecond, 500*time.Millisecond
		j2 := newJobs(t, db2, cfg, runner{second, "second"}, nil)
		if s, err := j2.Status(t.Context(), id); err != nil || s.Status != Running {
			t.Fatalf("the dead worker's job: %+v, %v; want running", s, err)
		}
		start(t, j2)
		// The rescuer runs once this process leads (the dead one's lead
		// expires first), then every 30 seconds.
		deadline := time.Now().Add(90 * time.Second)
		for {
			s, err := j2.Status(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if s.Status == Done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the dead worker's job is still %s after 90 s", s.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := second.snapshot(); len(got) != 1 || got[0].ConnID != 10 {
			t.Fatalf("the second worker ran %+v, want connection 10 once", got)
		}
	})
}

// startStuck starts a process on db that takes a collection of connection
// 10 and holds it, never finishing, until the test ends; it returns the
// process and the job once the collection has started.
func startStuck(t *testing.T, db *store.DB, cfg Config) (*Jobs, int64) {
	t.Helper()
	first := &recorder{block: make(chan struct{}), running: make(chan int64, 10)}
	j := newJobs(t, db, cfg, runner{first, "first"}, nil)
	id, err := j.Enqueue(t.Context(), 1, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		close(first.block)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		j.Stop(ctx) // it may not reach its database any more; whatever it says
	})
	select {
	case <-first.running:
	case <-time.After(20 * time.Second):
		t.Fatal("the first process never started the job")
	}
	return j, id
}

// A process that goes silent mid-collection (here: its database connections
// gone, as after a SIGKILL) has its running job put back in the queue once it
// has been silent for LostAfter, long before the queue's own RescueAfter
// (left at its default, 35 minutes), and another process completes it. While
// the first process beats, its job is left to it. A process that stops
// cleanly is forgotten.
func TestLostProcessesJobIsRequeued(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		// LostAfter is ten beats: the two dialects run at once, under the
		// race detector in CI, and a beat late by a few hundred
		// milliseconds must not pass for a lost process.
		live := Config{Workers: 1, PollInterval: 20 * time.Millisecond, HeartbeatEvery: 100 * time.Millisecond, LostAfter: time.Second}
		db1 := openDB(t, url)
		j1, id := startStuck(t, db1, live)

		db2 := openDB(t, url)
		second := &recorder{}
		var requeued atomic.Int64
		watcher := live
		watcher.Requeued = func(n int) { requeued.Add(int64(n)) }
		j2 := newJobs(t, db2, watcher, runner{second, "second"}, nil)
		start(t, j2)
		// Both beat: two seconds of the second process's watching (twenty
		// rounds, twice LostAfter) leave the first one's job with it.
		time.Sleep(2 * time.Second)
		if s, err := j2.Status(t.Context(), id); err != nil || s.Status != Running {
			t.Fatalf("a live process's job: %+v, %v; want it still running", s, err)
		}
		if got := second.snapshot(); len(got) != 0 || requeued.Load() != 0 {
			t.Fatalf("the second process ran %+v (requeued %d) while the first was alive", got, requeued.Load())
		}
		procs, err := db2.JobProcesses(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]store.JobProcess{}
		for _, p := range procs {
			ids[p.ID] = p
		}
		p1, ok := ids[j1.client.ID()]
		if _, ok2 := ids[j2.client.ID()]; !ok || !ok2 || p1.PID != os.Getpid() || p1.Host == "" || p1.Silent > live.LostAfter/2 {
			t.Fatalf("job processes %+v: want both, the first heard of recently", procs)
		}

		db1.Close() // the first process falls silent
		waitStatus(t, j2, id, Done)
		if got := second.snapshot(); len(got) != 1 || got[0].ConnID != 10 || requeued.Load() != 1 {
			t.Fatalf("the second process ran %+v (requeued %d), want connection 10 once, requeued once", got, requeued.Load())
		}

		// A clean stop forgets the process.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := j2.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		procs, err = db2.JobProcesses(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range procs {
			if p.ID == j2.client.ID() {
				t.Fatalf("a cleanly stopped process is still listed: %+v", procs)
			}
		}
	})
}

// The heartbeat follows LostAfter: six beats to a lost process, never
// slower than DefaultHeartbeat; one set explicitly is kept.
func TestHeartbeatFollowsLostAfter(t *testing.T) {
	for _, c := range []struct {
		cfg        Config
		beat, lost time.Duration
	}{
		{Config{}, DefaultHeartbeat, DefaultLostAfter},
		{Config{LostAfter: 2 * time.Second}, 2 * time.Second / 6, 2 * time.Second},
		{Config{LostAfter: 10 * time.Minute}, DefaultHeartbeat, 10 * time.Minute},
		{Config{LostAfter: time.Second, HeartbeatEvery: 100 * time.Millisecond}, 100 * time.Millisecond, time.Second},
		{Config{LostAfter: time.Second, HeartbeatEvery: time.Second}, time.Second, 3 * time.Second},
	} {
		got := c.cfg.withDefaults()
		if got.HeartbeatEvery != c.beat || got.LostAfter != c.lost {
			t.Errorf("%+v: beat %v, lost after %v; want %v, %v", c.cfg, got.HeartbeatEvery, got.LostAfter, c.beat, c.lost)
		}
	}
}
