package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest/metrics"
	"github.com/attest-hq/attest/metrics/metricstest"
)

// TestExposition pins the exact text of each kind of family: HELP and TYPE
// once, series sorted by label values, escapes, cumulative buckets with an
// inclusive upper bound.
func TestExposition(t *testing.T) {
	var r metrics.Registry
	c := r.Counter("t_things_total", "Things.\nCounted \\ here.", "kind")
	c.Inc("b")
	c.Inc("a\"x\n\\")
	c.Inc("b")
	g := r.Gauge("t_level", "A level.", "where")
	g.Set(2.5, "here")
	h := r.Histogram("t_seconds", "Durations.", []float64{0.1, 1}, "op")
	h.Observe(0.1, "read") // le is inclusive: this is in the 0.1 bucket
	h.Observe(0.5, "read")
	h.Observe(7, "read")
	r.GaugeFunc("t_info", "Info.", func() float64 { return 1 }, "version", "1.2")
	var b strings.Builder
	if err := r.Write(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP t_things_total Things.\nCounted \\ here.
# TYPE t_things_total counter
t_things_total{kind="a\"x\n\\"} 1
t_things_total{kind="b"} 2
# HELP t_level A level.
# TYPE t_level gauge
t_level{where="here"} 2.5
# HELP t_seconds Durations.
# TYPE t_seconds histogram
t_seconds_bucket{op="read",le="0.1"} 1
t_seconds_bucket{op="read",le="1"} 2
t_seconds_bucket{op="read",le="+Inf"} 3
t_seconds_sum{op="read"} 7.6
t_seconds_count{op="read"} 3
# HELP t_info Info.
# TYPE t_info gauge
t_info{version="1.2"} 1
`
	if b.String() != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
	s, err := metricstest.Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Value("t_things_total", "kind", "a\"x\n\\"); !ok || v != 1 {
		t.Errorf("escaped label read back as %v %v", v, ok)
	}
	if s["t_things_total"].Help != "Things.\nCounted \\ here." {
		t.Errorf("help read back as %q", s["t_things_total"].Help)
	}
}

// TestRegistryRefusesMistakes: a name twice, a bad name, a wrong number of
// label values are programming errors and panic at once.
func TestRegistryRefusesMistakes(t *testing.T) {
	for name, f := range map[string]func(){
		"twice":        func() { var r metrics.Registry; r.Counter("a_total", "A."); r.Gauge("a_total", "A.") },
		"bad name":     func() { var r metrics.Registry; r.Counter("a-b", "A.") },
		"le label":     func() { var r metrics.Registry; r.Histogram("h", "H.", []float64{1}, "le") },
		"label values": func() { var r metrics.Registry; r.Counter("a_total", "A.", "x").Inc() },
		"buckets":      func() { var r metrics.Registry; r.Histogram("h", "H.", []float64{2, 1}) },
		"read label":   func() { var r metrics.Registry; r.GaugeRead("g", "G.", nil, "le") },
		"read twice":   func() { var r metrics.Registry; r.Gauge("g", "G."); r.GaugeRead("g", "G.", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestConcurrentCounts: counts from many goroutines add up exactly (run
// with -race to check the locking too).
func TestConcurrentCounts(t *testing.T) {
	var r metrics.Registry
	c := r.Counter("n_total", "N.", "k")
	h := r.Histogram("d", "D.", []float64{1}, "k")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 1000 {
				c.Inc([]string{"x", "y"}[i%2])
				h.Observe(0.5, "x")
			}
		})
	}
	wg.Wait()
	if c.Value("x") != 4000 || c.Value("y") != 4000 {
		t.Errorf("counts %d and %d, want 4000 each", c.Value("x"), c.Value("y"))
	}
	var b strings.Builder
	r.Write(t.Context(), &b)
	s, err := metricstest.Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Get("d_count", "k", "x"); got != 8000 {
		t.Errorf("histogram count %v, want 8000", got)
	}
}

// TestRequestLabelsByPattern: requests are counted by the pattern the mux
// matched, never the path; methods outside HTTP's are "other"; a request
// no pattern matched is "unmatched".
func TestRequestLabelsByPattern(t *testing.T) {
	m := metrics.New("test", time.Unix(1700000000, 0))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /items/{id}", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusConflict) })
	do := func(method, path string, refused bool) {
		r := httptest.NewRequest(method, path, nil)
		rec := httptest.NewRecorder()
		if refused { // as the cross-origin check does, before routing
			rec.WriteHeader(http.StatusForbidden)
		} else {
			mux.ServeHTTP(rec, r)
		}
		m.Request(r.Pattern, r.Method, rec.Code, 30*time.Millisecond)
	}
	do("GET", "/items/4711", false)
	do("GET", "/items/4712", false)
	do("POST", "/items/4711", false)
	do("BREW", "/items/4711", false)
	do("GET", "/nothing/here", false)
	do("POST", "/items/4711", true)

	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	body, _ := io.ReadAll(res.Body)
	s, err := metricstest.Parse(string(body))
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	for _, c := range []struct {
		route, method, class string
		want                 float64
	}{
		{"/items/{id}", "GET", "2xx", 2}, {"/items/{id}", "POST", "4xx", 1}, {"unmatched", "other", "4xx", 1},
		{"unmatched", "GET", "4xx", 1}, {"unmatched", "POST", "4xx", 1},
	} {
		if got := s.Get("attest_http_requests_total", "route", c.route, "method", c.method, "status_class", c.class); got != c.want {
			t.Errorf("%s %s %s: %v, want %v", c.method, c.route, c.class, got, c.want)
		}
	}
	if got := s.Sum("attest_http_requests_total"); got != 6 {
		t.Errorf("%v requests counted, want 6", got)
	}
	if got := s.Get("attest_http_request_duration_seconds_count", "route", "/items/{id}"); got != 3 {
		t.Errorf("duration count for /items/{id}: %v, want 3", got)
	}
	if got := s.Get("attest_http_request_duration_seconds_bucket", "route", "/items/{id}", "le", "0.025"); got != 0 {
		t.Errorf("30ms counted at or below 25ms: %v", got)
	}
	if got := s.Get("attest_http_request_duration_seconds_bucket", "route", "/items/{id}", "le", "0.05"); got != 3 {
		t.Errorf("30ms not counted at or below 50ms: %v", got)
	}
	for _, leak := range []string{"4711", "4712", "BREW", "/nothing"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("the exposition contains %q, from a request's path or method", leak)
		}
	}
	if got := s.Get("process_start_time_seconds"); got != 1700000000 {
		t.Errorf("start time %v", got)
	}
	if s.Get("go_goroutines") < 1 || s.Get("go_memstats_heap_alloc_bytes") <= 0 || s.Get("attest_build_info", "version", "test") != 1 {
		t.Errorf("process figures missing:\n%s", body)
	}
}

// TestJobsAndCollections: the methods the job queue, the monitoring service
// and the ledger call move their families by exactly what happened.
func TestJobsAndCollections(t *testing.T) {
	m := metrics.New("test", time.Now())
	m.JobDone("collect", 2*time.Second, false)
	m.JobDone("collect", 3*time.Second, true)
	m.Collected("github", time.Unix(1800000000, 0), false)
	m.Collected("github", time.Unix(1800000100, 0), true) // a failure keeps the last success
	m.LedgerAppended("snapshot")
	m.JobsRequeued(2)
	rec := httptest.NewRecorder()
	m.Handler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	s, err := metricstest.Parse(rec.Body.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		pairs []string
		want  float64
	}{
		{"attest_job_runs_total", []string{"kind", "collect"}, 2},
		{"attest_job_failures_total", []string{"kind", "collect"}, 1},
		{"attest_job_duration_seconds_sum", []string{"kind", "collect"}, 5},
		{"attest_job_duration_seconds_bucket", []string{"kind", "collect", "le", "1"}, 0},
		{"attest_job_duration_seconds_bucket", []string{"kind", "collect", "le", "5"}, 2},
		{"attest_collection_runs_total", []string{"connector", "github"}, 2},
		{"attest_collection_failures_total", []string{"connector", "github"}, 1},
		{"attest_collection_last_success_timestamp_seconds", []string{"connector", "github"}, 1800000000},
		{"attest_ledger_appends_total", []string{"record_type", "snapshot"}, 1},
		{"attest_job_requeues_total", nil, 2},
	} {
		if got, ok := s.Value(c.name, c.pairs...); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.pairs, got, ok, c.want)
		}
	}
}

// TestParserRefuses keeps the test reader strict: what it accepts, the
// exposition tests can trust.
func TestParserRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"family twice":     "# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 1\n# HELP a A.\n# TYPE a gauge\n",
		"no type":          "# HELP a A.\na 1\n",
		"stray sample":     "# HELP a A.\n# TYPE a gauge\nb 1\n",
		"bad escape":       "# HELP a A.\n# TYPE a gauge\na{x=\"\\t\"} 1\n",
		"not cumulative":   "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"inf not count":    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
		"no final newline": "# HELP a A.\n# TYPE a gauge\na 1",
		"bad value":        "# HELP a A.\n# TYPE a gauge\na one\n",
	} {
		if _, err := metricstest.Parse(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := metricstest.Parse(""); err != nil {
		t.Errorf("empty exposition: %v", errors.Unwrap(err))
	}
}

type ctxKey struct{}

// TestGaugeRead: a family read at scrape time is written like a gauge, its
// series sorted whatever order they were read in, with the scrape's
// context; everything is read before anything is written, so a count made
// by a read is in the same exposition even when its family comes first; a
// read that fails, or returns what cannot be written, leaves its family out
// entirely (HELP and TYPE too) and the rest whole, and Write says which.
func TestGaugeRead(t *testing.T) {
	var r metrics.Registry
	reads := r.Counter("t_reads_total", "Reads.", "family")
	var fail, twice, short bool
	r.GaugeRead("t_depth", "Depth \\ now.", func(ctx context.Context) ([]metrics.Sample, error) {
		reads.Inc("t_depth")
		if ctx.Value(ctxKey{}) != "scrape" {
			t.Error("the read did not get the scrape's context")
		}
		switch {
		case fail:
			return nil, errors.New("database unreachable")
		case twice:
			return []metrics.Sample{{Values: []string{"a", "x"}, Value: 1}, {Values: []string{"a", "x"}, Value: 2}}, nil
		case short:
			return []metrics.Sample{{Values: []string{"a"}, Value: 1}}, nil
		}
		return []metrics.Sample{{Values: []string{"b", "x"}, Value: 3}, {Values: []string{"a", "y\"\n"}, Value: 0}, {Values: []string{"a", "x"}, Value: 2.5}}, nil
	}, "kind", "state")
	r.GaugeRead("t_empty", "Nothing yet.", func(context.Context) ([]metrics.Sample, error) { return nil, nil })
	r.Gauge("t_level", "A level.").Set(1)
	ctx := context.WithValue(t.Context(), ctxKey{}, "scrape")

	var b strings.Builder
	if err := r.Write(ctx, &b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP t_reads_total Reads.
# TYPE t_reads_total counter
t_reads_total{family="t_depth"} 1
# HELP t_depth Depth \\ now.
# TYPE t_depth gauge
t_depth{kind="a",state="x"} 2.5
t_depth{kind="a",state="y\"\n"} 0
t_depth{kind="b",state="x"} 3
# HELP t_empty Nothing yet.
# TYPE t_empty gauge
# HELP t_level A level.
# TYPE t_level gauge
t_level 1
`
	if b.String() != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
	if _, err := metricstest.Parse(b.String()); err != nil {
		t.Fatal(err)
	}

	for name, set := range map[string]*bool{"failed read": &fail, "series twice": &twice, "too few label values": &short} {
		*set = true
		b.Reset()
		err := r.Write(ctx, &b)
		*set = false
		if err == nil || !strings.Contains(err.Error(), "t_depth") {
			t.Errorf("%s: error %v, want one naming t_depth", name, err)
		}
		s, perr := metricstest.Parse(b.String())
		if perr != nil {
			t.Fatalf("%s: %v\n%s", name, perr, b.String())
		}
		if s["t_depth"] != nil || strings.Contains(b.String(), "t_depth{") || strings.Contains(b.String(), "TYPE t_depth") {
			t.Errorf("%s: t_depth is still written:\n%s", name, b.String())
		}
		if s["t_empty"] == nil || s.Get("t_level") != 1 || s["t_reads_total"] == nil {
			t.Errorf("%s: the other families are not all written:\n%s", name, b.String())
		}
	}
	if reads.Value("t_depth") != 4 {
		t.Errorf("read %d times, want once a scrape (4)", reads.Value("t_depth"))
	}
}

// fakeJobs is a JobsSource whose answers the test sets.
type fakeJobs struct {
	alive, lost int
	queue       []metrics.QueueDepth
	err         error
}

func (f *fakeJobs) source() metrics.JobsSource {
	return metrics.JobsSource{
		Processes: func(context.Context) (int, int, error) { return f.alive, f.lost, f.err },
		Queue:     func(context.Context) ([]metrics.QueueDepth, error) { return f.queue, f.err },
	}
}

// countingHandler counts the records logged.
type countingHandler struct {
	slog.Handler
	n *int
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h countingHandler) Handle(context.Context, slog.Record) error { *h.n++; return nil }

// TestJobFamilies: the job processes and the queue are read at each scrape
// from the source the composition root gives; before it gives one they
// have no series. A source that fails leaves both families out, counts
// each failure by family, logs once for the scrape, and serves the rest.
func TestJobFamilies(t *testing.T) {
	m := metrics.New("test", time.Now())
	var logged int
	h := m.Handler(slog.New(countingHandler{slog.DiscardHandler, &logged}))
	scrape := func() (metricstest.Scrape, string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("scrape: %d", rec.Code)
		}
		s, err := metricstest.Parse(rec.Body.String())
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Body.String())
		}
		return s, rec.Body.String()
	}
	s, _ := scrape()
	for _, name := range []string{metrics.FamilyJobProcesses, metrics.FamilyJobs} {
		if f := s[name]; f == nil || f.Type != "gauge" || len(f.Samples) != 0 {
			t.Errorf("%s before ReadJobs: %+v, want a gauge with no series", name, f)
		}
		if v, ok := s.Value("attest_metrics_scrape_errors_total", "family", name); !ok || v != 0 {
			t.Errorf("scrape errors of %s: %v %v, want 0 shown", name, v, ok)
		}
	}

	src := &fakeJobs{alive: 2, lost: 1, queue: []metrics.QueueDepth{{"collect", "available", 3}, {"collect", "running", 1}, {"notify", "completed", 40}}}
	m.ReadJobs(src.source())
	s, _ = scrape()
	for _, c := range []struct {
		name  string
		pairs []string
		want  float64
	}{
		{metrics.FamilyJobProcesses, []string{"state", "alive"}, 2},
		{metrics.FamilyJobProcesses, []string{"state", "lost"}, 1},
		{metrics.FamilyJobs, []string{"kind", "collect", "state", "available"}, 3},
		{metrics.FamilyJobs, []string{"kind", "collect", "state", "running"}, 1},
		{metrics.FamilyJobs, []string{"kind", "notify", "state", "completed"}, 40},
	} {
		if got, ok := s.Value(c.name, c.pairs...); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.pairs, got, ok, c.want)
		}
	}
	if n := len(s[metrics.FamilyJobs].Samples); n != 3 || logged != 0 {
		t.Errorf("%d queue series, %d logged; want 3 and none", n, logged)
	}

	// Read at the scrape, not kept from the last one.
	src.alive, src.queue = 0, nil
	s, _ = scrape()
	if s.Get(metrics.FamilyJobProcesses, "state", "alive") != 0 || len(s[metrics.FamilyJobs].Samples) != 0 {
		t.Errorf("the figures are not read at each scrape: alive %v, %d queue series",
			s.Get(metrics.FamilyJobProcesses, "state", "alive"), len(s[metrics.FamilyJobs].Samples))
	}

	src.err = errors.New("database unreachable")
	m.JobDone("collect", time.Second, false)
	s, body := scrape()
	if s[metrics.FamilyJobProcesses] != nil || s[metrics.FamilyJobs] != nil {
		t.Errorf("a failed read still writes its family:\n%s", body)
	}
	if s.Get("attest_job_runs_total", "kind", "collect") != 1 || s["attest_build_info"] == nil {
		t.Errorf("a failed read broke the rest of the exposition:\n%s", body)
	}
	for _, name := range []string{metrics.FamilyJobProcesses, metrics.FamilyJobs} {
		if got := s.Get("attest_metrics_scrape_errors_total", "family", name); got != 1 {
			t.Errorf("scrape errors of %s: %v, want 1 (counted in the scrape that failed)", name, got)
		}
	}
	if logged != 1 {
		t.Errorf("logged %d times for one scrape with two failed families, want once", logged)
	}
	scrape()
	if logged != 2 {
		t.Errorf("logged %d times after two failed scrapes, want twice", logged)
	}
}
