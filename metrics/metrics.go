package metrics

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Metrics are the figures of one Attest process. Every label value comes
// from a fixed set in the code (a ServeMux pattern, a job kind, a connector
// type, a ledger record type), so the number of series is bounded and no
// path, ID, organization or person ever becomes a label.
type Metrics struct {
	reg Registry

	requests        *Counter
	requestDuration *Histogram

	jobRuns     *Counter
	jobFailures *Counter
	jobDuration *Histogram
	jobRequeues *Counter

	collections           *Counter
	collectionFailures    *Counter
	collectionLastSuccess *Gauge

	ledgerAppends *Counter

	// jobs is where the install's job processes and queue are read at each
	// scrape; nil until ReadJobs.
	jobs         atomic.Pointer[JobsSource]
	kept         atomic.Pointer[KeptSource]
	scrapeErrors *Counter
}

// JobsSource reads the install's job processes and job queue, which live
// in the database, shared by every process: the composition root joins it
// to the jobs board, so the figures judge a process lost by the rule the
// processes apply.
type JobsSource struct {
	// Processes counts the job processes alive and lost.
	Processes func(ctx context.Context) (alive, lost int, err error)
	// Queue is how many jobs the queue holds, by kind and state.
	Queue func(ctx context.Context) ([]QueueDepth, error)
}

// KeptSource reads a serving process's counts of what it kept between
// requests: the web server's pages (web.Route.Kept) and each user's
// organizations, and account.Users' sessions and tokens.
type KeptSource struct {
	Pages       func() (served, rendered int64)
	Access      func() (kept, read int64)
	Credentials func() (kept, read int64)
}

// QueueDepth is how many jobs of one kind the queue holds in one state.
type QueueDepth struct {
	Kind, State string
	N           int
}

// The families read from the database at each scrape, by name: the label
// values of attest_metrics_scrape_errors_total.
const (
	FamilyJobProcesses = "attest_job_processes"
	FamilyJobs         = "attest_jobs"
)

// Buckets, in seconds. Requests: Prometheus's usual ones, a page is
// expected well under a second. Jobs: a notification round takes
// milliseconds, a large AWS collection minutes (up to the 30-minute timeout).
var (
	RequestBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	JobBuckets     = []float64{0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800}
)

// New makes the metrics of a process of the given version, started at start.
func New(version string, start time.Time) *Metrics {
	m := &Metrics{}
	r := &m.reg
	m.requests = r.Counter("attest_http_requests_total",
		"HTTP requests served, by route pattern, method and status class.", "route", "method", "status_class")
	m.requestDuration = r.Histogram("attest_http_request_duration_seconds",
		"Time to serve an HTTP request, by route pattern.", RequestBuckets, "route")
	m.jobRuns = r.Counter("attest_job_runs_total", "Background job attempts run by this process, by job kind.", "kind")
	m.jobFailures = r.Counter("attest_job_failures_total",
		"Background job attempts that ended in an error (to be retried or given up), by job kind.", "kind")
	m.jobDuration = r.Histogram("attest_job_duration_seconds", "Time one background job attempt took, by job kind.", JobBuckets, "kind")
	m.jobRequeues = r.Counter("attest_job_requeues_total",
		"Jobs this process put back in the queue because the process running them fell silent (killed, its machine lost).")
	m.jobRequeues.Value() // an unlabelled count is shown from 0
	m.collections = r.Counter("attest_collection_runs_total", "Collections finished by this process, by connector type.", "connector")
	m.collectionFailures = r.Counter("attest_collection_failures_total",
		"Collections that failed as a whole or could not be stored, by connector type.", "connector")
	m.collectionLastSuccess = r.Gauge("attest_collection_last_success_timestamp_seconds",
		"Unix time at which this process last finished a successful collection, by connector type.", "connector")
	m.ledgerAppends = r.Counter("attest_ledger_appends_total", "Ledger entries committed by this process, by record type.", "record_type")

	// Read at each scrape, not copied in by a timer: the processes and the
	// queue are the install's, and a timer's copy would be as old as its
	// period, and kept by a process that may have stopped copying.
	r.GaugeRead(FamilyJobProcesses, "Job processes (every attest serve and attest worker running jobs on this database, not only this one) by state: "+
		"alive, or lost (silent for longer than --job-lost-after; its running jobs are given to another).", m.readProcesses, "state")
	r.GaugeRead(FamilyJobs, "Jobs in the install's queue (every process's), by job kind and state (River's: available, scheduled, running, "+
		"retryable, completed, cancelled, discarded, pending); a state with no job has no series. "+
		"Completed and cancelled jobs are kept a day, discarded ones a week.", m.readQueue, "kind", "state")
	m.scrapeErrors = r.Counter("attest_metrics_scrape_errors_total",
		"Scrapes that left a family out because it could not be read (the database unreachable), by family.", "family")
	for _, f := range []string{FamilyJobProcesses, FamilyJobs} {
		m.scrapeErrors.Value(f) // shown from 0
	}

	r.CounterRead("attest_kept_pages_total", "Requests for pages the server keeps rendered (the dashboard, controls, a control, evidence, monitoring, "+
		"the readiness API), by outcome: served as kept, or rendered (and kept for the next).", m.readKept(func(k *KeptSource) (int64, int64) { return k.Pages() }, "served", "rendered"), "outcome")
	r.CounterRead("attest_kept_access_total", "Signed-in requests by whether the caller's organizations were kept from an earlier request "+
		"(the install's access revision unchanged) or read from the database.", m.readKept(func(k *KeptSource) (int64, int64) { return k.Access() }, "kept", "read"), "outcome")
	r.CounterRead("attest_kept_credentials_total", "Requests with a session or API token by whether it was kept from an earlier request "+
		"(only what of it changes read, with its user kept) or read whole from the database with its user.", m.readKept(func(k *KeptSource) (int64, int64) { return k.Credentials() }, "kept", "read"), "outcome")

	r.GaugeFunc("attest_build_info", "Always 1; the version label is the release this binary was built from.",
		func() float64 { return 1 }, "version", version)
	startSeconds := float64(start.UnixNano()) / 1e9
	r.GaugeFunc("process_start_time_seconds", "Unix time at which the process started.", func() float64 { return startSeconds })
	r.GaugeFunc("go_goroutines", "Goroutines that currently exist.", func() float64 { return float64(runtime.NumGoroutine()) })
	r.GaugeFunc("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects (reachable or not yet swept).", heapBytes)
	return m
}

// heapBytes reads the heap's live objects from runtime/metrics, which does
// not stop the world as runtime.ReadMemStats does.
func heapBytes() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64())
}

// ReadJobs makes the job families read src at each scrape. Until it is
// called they have no series.
func (m *Metrics) ReadJobs(src JobsSource) { m.jobs.Store(&src) }

// ReadKept makes the kept families read src at each scrape: a process that
// serves the web. Until it is called they have no series.
func (m *Metrics) ReadKept(src KeptSource) { m.kept.Store(&src) }

// readKept reads one pair of KeptSource's counts as two series.
func (m *Metrics) readKept(pair func(*KeptSource) (int64, int64), first, second string) func(context.Context) ([]Sample, error) {
	return func(context.Context) ([]Sample, error) {
		src := m.kept.Load()
		if src == nil {
			return nil, nil
		}
		a, b := pair(src)
		return []Sample{{[]string{first}, float64(a)}, {[]string{second}, float64(b)}}, nil
	}
}

func (m *Metrics) readProcesses(ctx context.Context) ([]Sample, error) {
	src := m.jobs.Load()
	if src == nil {
		return nil, nil
	}
	alive, lost, err := src.Processes(ctx)
	if err != nil {
		m.scrapeErrors.Inc(FamilyJobProcesses)
		return nil, err
	}
	return []Sample{{[]string{"alive"}, float64(alive)}, {[]string{"lost"}, float64(lost)}}, nil
}

func (m *Metrics) readQueue(ctx context.Context) ([]Sample, error) {
	src := m.jobs.Load()
	if src == nil {
		return nil, nil
	}
	depths, err := src.Queue(ctx)
	if err != nil {
		m.scrapeErrors.Inc(FamilyJobs)
		return nil, err
	}
	out := make([]Sample, 0, len(depths))
	for _, d := range depths {
		out = append(out, Sample{[]string{d.Kind, d.State}, float64(d.N)})
	}
	return out, nil
}

// ScrapeReadTimeout bounds all the database reads of one scrape together:
// a database too slow to answer leaves the families read from it out
// rather than holding the scrape past Prometheus's own timeout (10 seconds
// by default), which would lose every family.
const ScrapeReadTimeout = 5 * time.Second

// Handler serves the metrics at GET (or HEAD) /metrics and nothing else.
// A family that cannot be read is left out and counted, the rest served;
// log (nil: none) hears of it once per scrape.
func (m *Metrics) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		// Into a buffer first: Write's error is then only what it left out,
		// never a scraper that went away.
		var b bytes.Buffer
		ctx, cancel := context.WithTimeout(r.Context(), ScrapeReadTimeout)
		defer cancel()
		if err := m.reg.Write(ctx, &b); err != nil {
			log.Warn("metrics scrape left families out", "err", err)
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
		w.Write(b.Bytes())
	})
	return mux
}

// JobDone records one attempt of a background job of the given kind.
func (m *Metrics) JobDone(kind string, took time.Duration, failed bool) {
	m.jobRuns.Inc(kind)
	if failed {
		m.jobFailures.Inc(kind)
	}
	m.jobDuration.Observe(took.Seconds(), kind)
}

// JobsRequeued records n jobs taken back from a silent process.
func (m *Metrics) JobsRequeued(n int) {
	for range n {
		m.jobRequeues.Inc()
	}
}

// Collected records a finished collection of a connector type; at is when
// it finished.
func (m *Metrics) Collected(connector string, at time.Time, failed bool) {
	m.collections.Inc(connector)
	if failed {
		m.collectionFailures.Inc(connector)
		return
	}
	m.collectionLastSuccess.Set(float64(at.UnixNano())/1e9, connector)
}

// LedgerAppended records one committed ledger entry of a record type.
func (m *Metrics) LedgerAppended(recordType string) { m.ledgerAppends.Inc(recordType) }

// Request records one request served: the ServeMux pattern it matched
// ("" for none), its method, status and duration. The pattern, never the
// path, is the route label; a request no pattern matched (refused before
// routing) is counted as route "unmatched". The web server calls it for
// every request (web.Config.Observe), with only the patterns it registered.
func (m *Metrics) Request(pattern, method string, status int, took time.Duration) {
	route := routeOf(pattern)
	m.requests.Inc(route, methodOf(method), statusClass(status))
	m.requestDuration.Observe(took.Seconds(), route)
}

// routeOf is the path part of a ServeMux pattern ("GET /o/{org}/controls"
// → "/o/{org}/controls"): the method is a label of its own.
func routeOf(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	return pattern
}

// methodOf keeps the methods HTTP defines; anything else a client sends
// is "other", so a client cannot make new series.
func methodOf(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

func statusClass(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return string(rune('0'+code/100)) + "xx"
}
