package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/programme"
)

// monitoringJobs is where background collections meet the services that do
// the work: the Runner collects and tests a connection (the monitoring
// service), the Scheduler names the connections due (the connection service).
// A process opened without the blob store, the ledger key or the secret key
// (most CLI commands) cannot collect, so it gets no job client.
func (s *Services) monitoringJobs() (jobs.Runner, jobs.Scheduler) {
	if s.Monitor == nil || s.Blobs == nil || s.Key == nil || s.Secrets == nil {
		return nil, nil
	}
	return s.CollectionRunner(), s.Connections
}

// CollectionRunner is what a collection job runs: the collection and its
// tests, then the checklist steps it may verify.
func (s *Services) CollectionRunner() jobs.Runner {
	return monitorRunner{s.Monitor, s.Checklists, s.settings.Log}
}

// monitorRunner runs a collection for a job; the report stays in the
// database. A collection is when accounts change, so the checklist steps
// that verify accounts are observed after it.
type monitorRunner struct {
	m   *monitor.Service
	c   *programme.Checklists
	log *slog.Logger
}

func (r monitorRunner) Run(ctx context.Context, orgID, connectionID int64, only []attest.ResourceRef) error {
	if _, err := r.m.Run(ctx, orgID, connectionID, only); err != nil {
		return err
	}
	// The collection is done and kept; a failed observation waits for the
	// next one rather than repeating the collection.
	if _, err := r.c.Observe(ctx, orgID); err != nil {
		r.log.Error("observe checklist steps", "org", orgID, "error", err)
	}
	return nil
}

// openJobs builds the job client when there is a Runner: Config's, for tests,
// or the services' own (monitoringJobs).
func (s *Services) openJobs(cfg Config) error {
	run, sched := cfg.JobRunner, cfg.JobScheduler
	if run == nil {
		run, sched = s.monitoringJobs()
	}
	if run == nil {
		return nil
	}
	jc := jobs.Config{Workers: cfg.Workers, Log: cfg.Log.With("component", "jobs"), Now: cfg.Now, Observe: s.Metrics.JobDone,
		Requeued: s.Metrics.JobsRequeued, LostAfter: cfg.JobLostAfter}
	if s.Secrets != nil {
		// Notifications need the secret key: message bodies are sealed.
		jc.Notifier = s.Notify
	}
	var err error
	if s.Jobs, err = jobs.New(s.DB, jc, run, sched); err != nil {
		return err
	}
	if jc.Notifier != nil {
		s.Notify.Queue = s.Jobs
	}
	return nil
}

// Work runs jobs in this process until ctx is cancelled (`attest worker`),
// then lets running collections finish for up to stopTimeout before
// cancelling them; cancelled ones go back to the queue.
func (s *Services) Work(ctx context.Context, stopTimeout time.Duration) error {
	if s.Jobs == nil {
		return errors.New("monitoring is not available in this build: there is no collection job to run")
	}
	ms, err := listenMetrics(s.metricsAddr, s.Metrics, s.settings.Log)
	if err != nil {
		return err
	}
	if err := s.Jobs.Start(ctx); err != nil {
		ms.stop(ctx)
		return err
	}
	ms.start(s.settings.Log)
	s.settings.Log.Info("worker running jobs", "database", s.DB.String())
	<-ctx.Done()
	s.settings.Log.Info("worker stopping", "timeout", stopTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	defer ms.stop(sctx)
	if err := s.Jobs.Stop(sctx); err != nil {
		return fmt.Errorf("stop worker: %w", err)
	}
	s.settings.Log.Info("worker stopped")
	return nil
}
