package cli

import (
	"strconv"
	"strings"

	"github.com/attest-hq/attest/app"
)

// runWorker runs collection jobs without serving: scheduled collections,
// "Run now" and webhook re-collections queued by any `attest serve` on the
// same database. It stops on SIGINT or SIGTERM, letting running collections
// finish for up to --shutdown-timeout; what it had to cancel is queued again.
func runWorker(e *env, args []string) error {
	f := newFlags("worker", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	log, err := f.logger(e.stderr)
	if err != nil {
		return err
	}
	cfg := app.Config{DatabaseURL: f.str("database-url"), DataDir: f.str("data-dir"), BlobURL: f.str("blob-url"),
		SigningKeyFile: f.str("signing-key"), Log: log, Out: e.stdout, MetricsAddr: f.str("metrics-addr"), PasswordParams: e.passwords}
	if cfg.Workers, err = f.count("workers", app.MaxWorkers); err != nil {
		return err
	}
	if cfg.ShutdownTimeout, err = f.duration("shutdown-timeout"); err != nil {
		return err
	}
	if cfg.JobLostAfter, err = f.duration("job-lost-after"); err != nil {
		return err
	}
	// Collections append snapshots to the ledger: the worker needs the blob
	// store and the install's signing key, which serve creates.
	s, err := app.Open(e.ctx, cfg, app.Needs{Evidence: true, Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Work(e.ctx, cfg.ShutdownTimeout)
}

// count reads a whole number from 1 to most.
func (f *flags) count(name string, most int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(f.str(name)))
	if err != nil || n < 1 || n > most {
		return 0, usagef("--%s (%s): want a whole number from 1 to %d, got %q", name, envOf(name), most, f.str(name))
	}
	return n, nil
}
