package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/connector/github"
)

// inMemory is a GitHub connector whose collection is the synthetic
// organization: the same type, settings and resource types as the real one,
// so every shipped test applies, without an API to call.
type inMemory struct {
	*github.Connector
	col attest.Collection
}

func (c inMemory) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return c.col, nil
}

// cycles times monitor.Service.Run over the synthetic organization of n
// resources: the first run, two steady runs, and a run after changes.
func cycles(n int, dbURL string, evalBest time.Duration) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "attest-bench-monitor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	now := time.Now().UTC()
	conn := &inMemory{Connector: github.New(), col: synthetic(n, now)}
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: dbURL, PasswordParams: auth.TestParams, NoJobs: true,
		Log: slog.New(slog.DiscardHandler), Connectors: connector.New(conn)})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }() // Run owns the app's resources and closes them when ctx ends
	defer func() { cancel(); <-done }()
	s := a.Services
	org := attest.Organization{Slug: fmt.Sprintf("bench-%d", now.UnixNano()), Name: "Bench"}
	if err := s.DB.CreateOrg(ctx, &org); err != nil {
		return err
	}
	p := attest.Principal{OrgID: org.ID, Role: attest.RoleAdmin, Label: "bench"}
	c, err := s.Connections.Add(ctx, p, connection.Input{Type: "github", Name: "github",
		Settings: map[string]string{"org": "acme"}, Secret: []byte("unused")})
	if err != nil {
		return err
	}
	db := "SQLite"
	if dbURL != "" {
		db = "PostgreSQL"
	}
	fmt.Printf("full cycles on %s (GOMAXPROCS %d): collection handed over in memory, snapshot, evaluation, recording\n", db, runtime.GOMAXPROCS(0))
	timed := func(label string) (time.Duration, error) {
		runtime.GC()
		start := time.Now()
		rep, err := s.Monitor.Run(ctx, org.ID, c.ID, nil)
		d := time.Since(start)
		if err != nil {
			return d, err
		}
		fmt.Printf("  %-34s %8v  (%d verdicts, %d changed)\n", label, d.Round(time.Millisecond), len(rep.Results), rep.Changes)
		return d, nil
	}
	if cpuProfile != nil {
		if err := pprof.StartCPUProfile(cpuProfile); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if _, err := timed("first run (every verdict new)"); err != nil {
		return err
	}
	steady := time.Duration(1 << 62)
	for i := 1; i <= 2; i++ {
		d, err := timed(fmt.Sprintf("steady run %d (nothing changed)", i))
		if err != nil {
			return err
		}
		steady = min(steady, d)
	}
	// A tenth of the repositories lose their branch protection.
	for i, r := range conn.col.Resources {
		if r.Type == "github.repository" && i%10 == 0 {
			if b, ok := r.Data["branch"].(map[string]any); ok {
				b2 := map[string]any{}
				for k, v := range b {
					b2[k] = v
				}
				b2["protected"] = !(b["protected"] == true)
				r.Data["branch"] = b2
			}
		}
	}
	if _, err := timed("run after a tenth changed"); err != nil {
		return err
	}
	verdict := "met"
	if steady > 10*time.Second {
		verdict = "MISSED"
	}
	fmt.Printf("steady cycle: best %v; floor (evaluation alone, best round above) %v; cycle / evaluation %.2f×; target ≤ 10 s: %s\n",
		steady.Round(time.Millisecond), evalBest.Round(time.Millisecond), steady.Seconds()/evalBest.Seconds(), verdict)
	return nil
}
