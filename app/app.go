// Package app wires Attest together: configuration → database → web server. The
// CLI's serve command and the end-to-end tests both start it through New and Run
// (tests on 127.0.0.1:0).
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
	"github.com/attest-hq/attest/web/api"
	"github.com/attest-hq/attest/web/ui"
)

// Config is the whole configuration of a running Attest.
type Config struct {
	Addr            string // listen address; port 0 picks a free one
	DatabaseURL     string // "" → SQLite in DataDir
	DataDir         string
	BaseURL         string // external URL; "" → http://Addr
	BlobURL         string // where evidence files go; "" → DataDir/blobs
	SigningKeyFile  string // the ledger key; "" → DataDir/keys/ledger-ed25519.key
	MaxUpload       int64  // largest evidence file; 0 → 100 MiB
	TrustProxy      bool
	SessionIdle     time.Duration
	Demo            bool
	ShutdownTimeout time.Duration

	Log            *slog.Logger
	Out            io.Writer        // where set-up links and demo logins are printed
	Now            func() time.Time // clock; time.Now when nil
	PasswordParams auth.Params      // zero → auth.DefaultParams
}

// App is a running Attest.
type App struct {
	cfg      Config
	DB       *store.DB
	Blobs    blob.Store
	Services *Services
	Web      *web.Server
	ln       net.Listener
	server   *http.Server
	URL      string // the base URL links are built from
}

// New listens, opens and migrates the database and builds the server. It
// listens first, so an occupied port is reported before anything is created.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	if cfg.PasswordParams == (auth.Params{}) {
		cfg.PasswordParams = auth.DefaultParams
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (ATTEST_ADDR / --addr): %w", cfg.Addr, err)
	}
	a := &App{cfg: cfg, ln: ln}
	a.URL = strings.TrimRight(cfg.BaseURL, "/")
	if a.URL == "" {
		a.URL = "http://" + ln.Addr().String()
	}
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Now: cfg.Now})
	if err != nil {
		ln.Close()
		return nil, err
	}
	a.DB = db
	applied, err := db.Migrate(ctx)
	if err != nil {
		a.closeAll()
		return nil, err
	}
	if len(applied) > 0 {
		cfg.Log.Info("database migrated", "database", db.String(), "versions", applied)
	}
	cat, err := catalog.Load()
	if err != nil {
		a.closeAll()
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	if a.Blobs, err = blob.Open(ctx, cfg.BlobURL, cfg.DataDir); err != nil {
		a.closeAll()
		return nil, err
	}
	keyPath := SigningKeyPath(cfg.DataDir, cfg.SigningKeyFile)
	key, created, err := LoadSigningKey(keyPath, true)
	if err != nil {
		a.closeAll()
		return nil, err
	}
	if created {
		cfg.Log.Info("created the install's ledger signing key", "path", keyPath, "key_id", ledger.KeyID(key.Public().(ed25519.PublicKey)))
	}
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 100 << 20
	}
	a.Services = NewServices(db, a.Blobs, key, cat, Settings{Now: cfg.Now, PasswordParams: cfg.PasswordParams,
		SessionIdle: cfg.SessionIdle, MaxUpload: cfg.MaxUpload, DataDir: cfg.DataDir})
	svc := a.Services.Evidence
	if err := svc.Chain().CheckAllHeads(ctx, db); err != nil {
		// Appends to an affected ledger are refused; the rest of the install works.
		cfg.Log.Error("LEDGER CUT BACK OR REWRITTEN: the database does not reach the signed heads saved outside it; appends to that ledger are refused; run attest verify", "err", err)
	}
	a.Web, err = web.New(web.Config{
		Services:      a.Services.Web(a.URL),
		SecureCookies: strings.HasPrefix(a.URL, "https://"), TrustProxy: cfg.TrustProxy, SessionIdle: cfg.SessionIdle,
	}, ui.Routes, api.Routes)
	if err != nil {
		a.closeAll()
		return nil, err
	}
	if cfg.Demo {
		logins, err := demo.Seed(ctx, db, demo.Options{PasswordParams: cfg.PasswordParams, Catalog: cat, Evidence: svc, Now: cfg.Now})
		if err != nil {
			a.closeAll()
			return nil, fmt.Errorf("demo data: %w", err)
		}
		demo.PrintLogins(cfg.Out, a.URL, logins)
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

// Run serves until ctx is cancelled, then stops accepting connections and lets
// in-flight requests finish (up to ShutdownTimeout) before closing the database.
func (a *App) Run(ctx context.Context) error {
	a.cfg.Log.Info("serving", "url", a.URL, "addr", a.Addr(), "database", a.DB.String())
	jctx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go a.janitor(jctx)
	errc := make(chan error, 1)
	go func() { errc <- a.server.Serve(a.ln) }()
	select {
	case err := <-errc:
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
	err := a.server.Shutdown(sctx)
	a.Blobs.Close()
	a.DB.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.cfg.Log.Info("stopped")
	return nil
}

// janitor removes what has expired: sessions past their expiry and login
// failures older than any throttling window, hourly.
func (a *App) janitor(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if err := a.DB.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			a.cfg.Log.Warn("janitor: expired sessions", "err", err)
		}
		if err := a.DB.PruneLoginFailures(ctx, a.cfg.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			a.cfg.Log.Warn("janitor: login failures", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (a *App) closeAll() {
	a.ln.Close()
	if a.Blobs != nil {
		a.Blobs.Close()
	}
	if a.DB != nil {
		a.DB.Close()
	}
}
