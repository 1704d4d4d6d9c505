package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store/storetest"
)

// runs records the collections a process ran.
type runs struct {
	mu    sync.Mutex
	calls []string
}

func (r *runs) Run(_ context.Context, orgID, connID int64, only []attest.ResourceRef) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("org %d connection %d only %v", orgID, connID, only))
	return nil
}

func (r *runs) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func waitDone(t *testing.T, j *jobs.Jobs, id int64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s, err := j.Status(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == jobs.Done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (%s), want done", id, s.Status, s.Error)
		}
	}
}

// TestServeRunsJobs: `attest serve` runs collections in-process by default,
// over the job queue's tables (which Open migrates on an empty database),
// and stops cleanly.
func TestServeRunsJobs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := &runs{}
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, d), DataDir: t.TempDir(),
				PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler), JobRunner: rec})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			id, err := a.Services.Jobs.Enqueue(ctx, 4, 2, []attest.ResourceRef{{Type: "github.repository", Key: "acme/api"}})
			if err != nil {
				t.Fatal(err)
			}
			waitDone(t, a.Services.Jobs, id)
			if got := fmt.Sprint(rec.list()); got != "[org 4 connection 2 only [{github.repository acme/api}]]" {
				t.Errorf("runner calls %s", got)
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
		})
	}
}

// TestWorkerRunsWhatServeQueues: with jobs turned off, serve only queues;
// a worker process (Open, then Work) runs the job and stops on cancel.
func TestWorkerRunsWhatServeQueues(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			url, dir := jobstest.URL(t, d), t.TempDir()
			served := &runs{}
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: url, DataDir: dir, PasswordParams: auth.TestParams,
				Log: slog.New(slog.DiscardHandler), JobRunner: served, NoJobs: true})
			if err != nil {
				t.Fatal(err)
			}
			serveDone := make(chan error, 1)
			go func() { serveDone <- a.Run(ctx) }()
			id, err := a.Services.Jobs.Enqueue(ctx, 1, 9, nil)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			if s, err := a.Services.Jobs.Status(ctx, id); err != nil || s.Status != jobs.Queued || len(served.list()) != 0 {
				t.Fatalf("serve with jobs off: %+v, %v, runs %v; want the job left queued", s, err, served.list())
			}

			worked := &runs{}
			w, err := Open(ctx, Config{DatabaseURL: url, DataDir: dir, PasswordParams: auth.TestParams, JobRunner: worked, Workers: 1}, Needs{Evidence: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			wctx, stopWorker := context.WithCancel(ctx)
			workDone := make(chan error, 1)
			go func() { workDone <- w.Work(wctx, 5*time.Second) }()
			waitDone(t, w.Jobs, id)
			if got := fmt.Sprint(worked.list()); got != "[org 1 connection 9 only []]" || len(served.list()) != 0 {
				t.Errorf("worker ran %s, serve ran %v; want only the worker, once", got, served.list())
			}
			stopWorker()
			select {
			case err := <-workDone:
				if err != nil {
					t.Errorf("Work: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the worker did not stop after cancel")
			}
			cancel()
			<-serveDone
		})
	}
}

func TestWorkersSettingIsValidated(t *testing.T) {
	for _, n := range []int{-1, MaxWorkers + 1} {
		if err := (Config{Workers: n}).Validate(); attest.ErrorField(err) != "--workers (ATTEST_WORKERS)" {
			t.Errorf("workers %d: %v, want an invalid --workers", n, err)
		}
	}
}
