package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/metrics"
)

// jobsSource reads the job families of /metrics from the jobs board, so
// that they judge a process lost by the rule `attest jobs`, the Jobs page
// and the processes themselves apply.
func jobsSource(b jobs.Board) metrics.JobsSource {
	return metrics.JobsSource{
		Processes: func(ctx context.Context) (alive, lost int, err error) {
			procs, err := b.Processes(ctx)
			if err != nil {
				return 0, 0, err
			}
			alive, lost = jobs.Tally(procs)
			return alive, lost, nil
		},
		Queue: func(ctx context.Context) ([]metrics.QueueDepth, error) {
			counts, err := b.Queue(ctx)
			if err != nil {
				return nil, err
			}
			out := make([]metrics.QueueDepth, 0, len(counts))
			for _, c := range counts {
				out = append(out, metrics.QueueDepth{Kind: c.Kind, State: c.State, N: c.N})
			}
			return out, nil
		},
	}
}

// metricsServer serves /metrics on a listener of its own (--metrics-addr).
// The figures carry no tenant data, but they say how busy the install is and
// which connectors it runs, so they are never on the public listener: the
// operator puts this one on loopback or a private network for Prometheus.
type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

// listenMetrics opens the metrics listener, or returns nil when addr is
// empty (the default: no metrics listener at all).
func listenMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (*metricsServer, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (ATTEST_METRICS_ADDR / --metrics-addr): %w", addr, err)
	}
	return &metricsServer{ln: ln, srv: &http.Server{
		Handler:           m.Handler(log),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}, nil
}

// start serves in the background; an error other than a shutdown is logged,
// since a broken metrics listener must not stop the work.
func (ms *metricsServer) start(log *slog.Logger) {
	if ms == nil {
		return
	}
	log.Info("serving metrics", "addr", ms.ln.Addr().String(), "path", "/metrics")
	go func() {
		if err := ms.srv.Serve(ms.ln); err != nil && err != http.ErrServerClosed {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
}

// stop ends the listener; a scrape in flight has until ctx ends.
func (ms *metricsServer) stop(ctx context.Context) {
	if ms == nil {
		return
	}
	if err := ms.srv.Shutdown(ctx); err != nil {
		ms.srv.Close()
	}
	ms.ln.Close() // when start never ran, Shutdown leaves it open
}

// Addr is where metrics are served, or "" when they are not.
func (ms *metricsServer) Addr() string {
	if ms == nil {
		return ""
	}
	return ms.ln.Addr().String()
}
