package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest/jobs"
)

// monitoringJobs is where background collections meet the services that do
// the work: the Runner collects and tests a connection (the monitoring
// service), the Scheduler names the connections due (the connection service).
//
// HOOKUP (issue 11): once Services holds both services, return them here,
// for example
//
//	return s.Monitor, s.Connections
//
// Until then it returns nil, and without a Runner no job client is built:
// Services.Jobs stays nil, `attest serve` runs no jobs and `attest worker`
// says monitoring is not available. Return an untyped nil, never a nil
// pointer in an interface, for a part that is missing.
func (s *Services) monitoringJobs() (jobs.Runner, jobs.Scheduler) {
	return nil, nil
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
	var err error
	s.Jobs, err = jobs.New(s.DB, jobs.Config{Workers: cfg.Workers, Log: cfg.Log.With("component", "jobs"), Now: cfg.Now}, run, sched)
	return err
}

// Work runs jobs in this process until ctx is cancelled (`attest worker`),
// then lets running collections finish for up to stopTimeout before
// cancelling them; cancelled ones go back to the queue.
func (s *Services) Work(ctx context.Context, stopTimeout time.Duration) error {
	if s.Jobs == nil {
		return errors.New("monitoring is not available in this build: there is no collection job to run")
	}
	if err := s.Jobs.Start(ctx); err != nil {
		return err
	}
	s.settings.Log.Info("worker running jobs", "database", s.DB.String())
	<-ctx.Done()
	s.settings.Log.Info("worker stopping", "timeout", stopTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := s.Jobs.Stop(sctx); err != nil {
		return fmt.Errorf("stop worker: %w", err)
	}
	s.settings.Log.Info("worker stopped")
	return nil
}
