// Package app wires Attest together: configuration → database → web server. The
// CLI's serve command and the end-to-end tests both start it through New and Run
// (tests on 127.0.0.1:0).
package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/attest-hq/attest"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/metrics"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/api"
	"github.com/attest-hq/attest/web/hooks"
	"github.com/attest-hq/attest/web/ui"
)

// App is a running Attest.
type App struct {
	cfg      Config
	DB       *store.DB
	Blobs    blob.Store
	Services *Services
	Web      *web.Server
	ln       net.Listener
	server   *http.Server
	metrics  *metricsServer // nil without --metrics-addr
	URL      string         // the base URL links are built from
}

// New listens, opens and migrates the database and builds the server. It
// listens first, so an occupied port is reported before anything is created.
func New(ctx context.Context, cfg Config) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (ATTEST_ADDR / --addr): %w", cfg.Addr, err)
	}
	a := &App{cfg: cfg, ln: ln}
	if a.metrics, err = listenMetrics(cfg.MetricsAddr, cfg.Metrics, cfg.Log); err != nil {
		ln.Close()
		return nil, err
	}
	a.URL = strings.TrimRight(cfg.BaseURL, "/")
	if a.URL == "" {
		a.URL = "http://" + ln.Addr().String()
	}
	a.Services, err = Open(ctx, cfg, Needs{Evidence: true, CreateKey: true})
	if err != nil {
		ln.Close()
		a.metrics.stop(ctx)
		return nil, err
	}
	a.DB, a.Blobs = a.Services.DB, a.Services.Blobs
	svc := a.Services.Evidence
	if err := svc.Chain().CheckAllHeads(ctx, a.DB); err != nil {
		// Appends to an affected ledger are refused; the rest of the install works.
		cfg.Log.Error("LEDGER CUT BACK OR REWRITTEN: the database does not reach the signed heads saved outside it; appends to that ledger are refused; run attest verify", "err", err)
	}
	// Controls adopted before the library's crosswalk grew get its mappings:
	// idempotent, and it never brings back a mapping an organization removed.
	if err := programme.SyncAllCrosswalks(ctx, a.DB, a.Services.Catalog); err != nil {
		a.closeAll()
		return nil, err
	}
	a.Web, err = web.New(web.Config{
		Services:      a.Services.Web(a.URL),
		SecureCookies: strings.HasPrefix(a.URL, "https://"), TrustProxy: cfg.TrustProxy, Observe: cfg.Metrics.Request,
	}, ui.Routes, api.Routes, hooks.Routes)
	if err != nil {
		a.closeAll()
		return nil, err
	}
	cfg.Metrics.ReadKept(metrics.KeptSource{Pages: a.Web.KeptPages, Access: a.Web.KeptAccess, Credentials: a.Services.Users.KeptCredentials})
	if cfg.Demo || cfg.DemoSize != (demo.Size{}) {
		opts := demo.Options{PasswordParams: cfg.PasswordParams, Catalog: a.Services.Catalog, Evidence: svc, Now: cfg.Now,
			Connections: a.Services.Connections, Monitor: a.Services.Monitor, Policies: a.Services.Policies, Secrets: a.Services.Secrets,
			Risks: a.Services.Risks, Identity: cfg.demoIdentity, Vendors: a.Services.Vendors, Incidents: a.Services.Incidents,
			Training:      a.Services.Training,
			AccessReviews: a.Services.AccessReviews,
			Checklists:    a.Services.Checklists,
			Populations:   a.Services.Populations,
			Audits:        &a.Services.Audits,
			BankChanges: func(ctx context.Context, p attest.Principal) error {
				_, _, err := a.Services.Changes.Bank(ctx, p, 30)
				return err
			}}
		logins, err := demo.Seed(ctx, a.DB, opts)
		if err != nil {
			a.closeAll()
			return nil, fmt.Errorf("demo data: %w", err)
		}
		if cfg.DemoSize != (demo.Size{}) {
			start := time.Now()
			sys := cfg.demoLarge
			sys.Log = cfg.Log
			if err := demo.SeedLarge(ctx, a.DB, opts, cfg.DemoSize, sys); err != nil {
				a.closeAll()
				return nil, fmt.Errorf("large demo data: %w", err)
			}
			cfg.Log.Info("the large demo organization is ready", "org", demo.LargeSlug, "took", time.Since(start).Round(time.Millisecond).String())
		}
		demo.PrintLogins(cfg.Out, a.URL, logins)
		// The demo's users were given new passwords, each hashed with argon2
		// in 64 MiB of its own, and a large organization may have been built:
		// hundreds of MiB the heap no longer uses, which the runtime would
		// hand back to the system over minutes. Hand it back before serving.
		debug.FreeOSMemory()
	}
	if err := a.announceSetup(ctx); err != nil {
		a.closeAll()
		return nil, err
	}
	a.server = &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	return a, nil
}

// announceSetup prints a one-time set-up link while the install has no admin.
func (a *App) announceSetup(ctx context.Context) error {
	n, err := a.DB.CountAdmins(ctx)
	if err != nil || n > 0 {
		return err
	}
	secret := auth.NewSecret("")
	if err := a.DB.CreateSetupToken(ctx, auth.HashSecret(secret), a.cfg.Now().Add(24*time.Hour)); err != nil {
		return err
	}
	fmt.Fprintf(a.cfg.Out, "\nAttest has no admin yet. Open this one-time link within 24 hours to create your organization and admin:\n\n    %s/setup?token=%s\n\n", a.URL, secret)
	return nil
}

// Addr is the address the server listens on.
func (a *App) Addr() string { return a.ln.Addr().String() }

// MetricsAddr is the address /metrics is served on, or "" without
// --metrics-addr.
func (a *App) MetricsAddr() string { return a.metrics.Addr() }

// Run serves until ctx is cancelled, then stops accepting connections and lets
// in-flight requests finish (up to ShutdownTimeout) before closing the database.
func (a *App) Run(ctx context.Context) error {
	a.cfg.Log.Info("serving", "url", a.URL, "addr", a.Addr(), "database", a.DB.String())
	jctx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go a.janitor(jctx)
	stopJobs, err := a.startJobs(ctx)
	if err != nil {
		a.closeAll()
		return err
	}
	a.metrics.start(a.cfg.Log)
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.ln) }()
	select {
	case err := <-errc:
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		stopJobs(sctx)
		a.metrics.stop(sctx)
		cancel()
		a.Blobs.Close()
		a.DB.Close()
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	a.cfg.Log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	err = a.server.Shutdown(sctx)
	stopJobs(sctx)
	// Metrics last, so a final scrape can still see the shutdown's work.
	a.metrics.stop(sctx)
	a.Blobs.Close()
	a.DB.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.cfg.Log.Info("stopped")
	return nil
}

// janitor removes what has expired: sessions and pending second steps past
// their expiry, login and second-step failures older than any throttling
// window, hourly from the start; and evidence blobs that nothing refers to
// (evidence.GCGrace after they were stored), hourly from
// Config.FirstBlobCollection after the start. Each hour it also records the
// readiness of every organization whose open audit reports on the day, so
// that the day's last recording is what the audit's package reports
// (programme.Readiness.RecordReportDays).
func (a *App) janitor(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	blobs := time.NewTimer(a.cfg.FirstBlobCollection)
	defer blobs.Stop()
	a.sweep(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			a.sweep(ctx)
		case <-blobs.C:
			// Blob times come from the store's clock, so the cut-off does too.
			if rep, err := a.Services.Evidence.CollectGarbage(ctx, time.Now().Add(-evidence.GCGrace), false); err != nil && ctx.Err() == nil {
				a.cfg.Log.Warn("janitor: unreferenced blobs", "err", err)
			} else if rep.Removed > 0 {
				a.cfg.Log.Info("janitor: removed unreferenced blobs", "blobs", rep.Removed, "bytes", rep.Bytes)
			}
			blobs.Reset(time.Hour)
		}
	}
}

// sweep is the janitor's hourly round of everything but blobs.
func (a *App) sweep(ctx context.Context) {
	if err := a.DB.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: expired sessions", "err", err)
	}
	if err := a.DB.PruneLoginFailures(ctx, a.cfg.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: login failures", "err", err)
	}
	if err := a.DB.DeleteExpiredChallenges(ctx); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: expired sign-in steps", "err", err)
	}
	if err := a.DB.PruneSecondFactorFailures(ctx, a.cfg.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: second-step failures", "err", err)
	}
	if err := a.DB.DeleteExpiredSSOLogins(ctx); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: expired single sign-ons", "err", err)
	}
	if err := a.DB.DeleteExpiredCeremonies(ctx); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: expired passkey requests", "err", err)
	}
	if err := a.DB.PruneDeliveries(ctx, a.cfg.Now().Add(-DeliveryRetention)); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: old messages", "err", err)
	}
	if _, err := a.Services.Readiness.RecordReportDays(ctx); err != nil && ctx.Err() == nil {
		a.cfg.Log.Warn("janitor: readiness of report days", "err", err)
	}
}

// DeliveryRetention is how long the delivery log keeps a settled message,
// and the notices it carried.
const DeliveryRetention = 90 * 24 * time.Hour

// startJobs runs collection jobs in this process, unless the configuration
// leaves them to an `attest worker` (NoJobs) or monitoring is not hooked up.
// The returned function stops them, letting running ones finish while ctx lasts.
func (a *App) startJobs(ctx context.Context) (stop func(context.Context), err error) {
	j := a.Services.Jobs
	if j == nil || a.cfg.NoJobs {
		return func(context.Context) {}, nil
	}
	if err := j.Start(ctx); err != nil {
		return nil, err
	}
	a.cfg.Log.Info("running jobs in this process")
	return func(ctx context.Context) {
		if err := j.Stop(ctx); err != nil {
			a.cfg.Log.Warn("stopping jobs", "err", err)
		}
	}, nil
}

func (a *App) closeAll() {
	a.ln.Close()
	a.metrics.stop(context.Background())
	if a.Blobs != nil {
		a.Blobs.Close()
	}
	if a.DB != nil {
		a.DB.Close()
	}
}
