package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/metrics/metricstest"
	"github.com/attest-hq/attest/store/storetest"
)

// families are every family a process exposes, each exactly once.
var families = []string{
	"attest_http_requests_total", "attest_http_request_duration_seconds",
	"attest_job_runs_total", "attest_job_failures_total", "attest_job_duration_seconds", "attest_job_requeues_total",
	"attest_collection_runs_total", "attest_collection_failures_total", "attest_collection_last_success_timestamp_seconds",
	"attest_ledger_appends_total", "attest_job_processes", "attest_jobs", "attest_kept_pages_total", "attest_kept_access_total", "attest_kept_credentials_total", "attest_metrics_scrape_errors_total", "attest_build_info", "process_start_time_seconds", "go_goroutines", "go_memstats_heap_alloc_bytes",
}

// scrape reads /metrics at addr strictly (metricstest.Parse) and checks
// that every family is there with the type its name promises.
func scrape(t *testing.T, addr string) (metricstest.Scrape, string) {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("scrape: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s, err := metricstest.Parse(string(body))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, body)
	}
	for _, name := range families {
		f := s[name]
		if f == nil {
			t.Fatalf("family %s missing:\n%s", name, body)
		}
		if strings.HasSuffix(name, "_total") != (f.Type == "counter") {
			t.Errorf("%s is a %s: counters, and only they, end in _total", name, f.Type)
		}
	}
	if len(s) != len(families) {
		t.Errorf("%d families, want %d", len(s), len(families))
	}
	return s, string(body)
}

// TestMetricsCountRequestsByPattern starts serve as production does, with
// /metrics on a listener of its own, makes requests and checks that the
// request families moved by exactly those requests, labelled by route
// pattern: no path, ID, organization slug or made-up method becomes a label.
func TestMetricsCountRequestsByPattern(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, d),
				DataDir: t.TempDir(), PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			defer func() { cancel(); <-done }()
			if a.MetricsAddr() == "" || a.MetricsAddr() == a.Addr() {
				t.Fatalf("metrics at %q, public at %q", a.MetricsAddr(), a.Addr())
			}
			before, _ := scrape(t, a.MetricsAddr())

			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			do := func(method, path string, header http.Header, want int) {
				t.Helper()
				req, err := http.NewRequest(method, a.URL+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range header {
					req.Header[k] = v
				}
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					t.Fatalf("%s %s: %d, want %d", method, path, res.StatusCode, want)
				}
			}
			for range 3 {
				do("GET", "/healthz", nil, http.StatusOK)
			}
			do("POST", "/hooks/github/918273645", nil, http.StatusNotFound)
			do("POST", "/hooks/aws/918273646", nil, http.StatusNotFound)
			do("GET", "/o/zz-secret-org/controls", nil, http.StatusSeeOther) // to sign-in
			do("GET", "/metrics", nil, http.StatusNotFound)                  // not on the public listener
			do("BREW", "/healthz", nil, http.StatusNotFound)
			// The cross-origin check refuses before any route matches.
			do("POST", "/login", http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.test"}}, http.StatusForbidden)

			after, body := scrape(t, a.MetricsAddr())
			delta := func(name string, pairs ...string) float64 {
				return after.Get(name, pairs...) - before.Get(name, pairs...)
			}
			const req = "attest_http_requests_total"
			for _, c := range []struct {
				route, method, class string
				want                 float64
			}{
				{"/healthz", "GET", "2xx", 3},
				{"/hooks/{type}/{connection}", "POST", "4xx", 2},
				{"/o/{org}/controls", "GET", "3xx", 1},
				{"/", "GET", "4xx", 1},
				{"/", "other", "4xx", 1},
				{"unmatched", "POST", "4xx", 1},
			} {
				if got := delta(req, "route", c.route, "method", c.method, "status_class", c.class); got != c.want {
					t.Errorf("%s %s %s moved by %v, want %v", c.method, c.route, c.class, got, c.want)
				}
			}
			if got := after.Sum(req) - before.Sum(req); got != 9 {
				t.Errorf("requests moved by %v, want 9 (scrapes are not counted)", got)
			}
			const dur = "attest_http_request_duration_seconds"
			if got := delta(dur+"_count", "route", "/healthz"); got != 3 {
				t.Errorf("the /healthz histogram counted %v, want 3", got)
			}
			if got := delta(dur+"_bucket", "route", "/healthz", "le", "+Inf"); got != 3 {
				t.Errorf("the /healthz +Inf bucket moved by %v, want 3", got)
			}
			if got := delta(dur+"_count", "route", "/hooks/{type}/{connection}"); got != 2 {
				t.Errorf("the webhook histogram counted %v, want 2", got)
			}

			// Every route label is a pattern of the route table (or the
			// catch-all, static files, unmatched); nothing a client sent.
			allowed := map[string]bool{"/": true, "/static/": true, "unmatched": true}
			for _, rt := range a.Web.Routes() {
				allowed[rt.Path] = true
			}
			for _, name := range []string{req, dur} {
				for _, smp := range after[name].Samples {
					if !allowed[smp.Labels["route"]] {
						t.Errorf("%s has route label %q, which is no pattern", smp.Name, smp.Labels["route"])
					}
				}
			}
			for _, leak := range []string{"918273645", "918273646", "zz-secret-org", "BREW", "evil"} {
				if strings.Contains(body, leak) {
					t.Errorf("the exposition contains %q, sent by a client", leak)
				}
			}
			if got := after.Get("attest_build_info", "version", attest.Version); got != 1 {
				t.Errorf("build info %v", got)
			}
			if st := after.Get("process_start_time_seconds"); st < float64(time.Now().Add(-time.Hour).Unix()) || st > float64(time.Now().Unix()+1) {
				t.Errorf("start time %v", st)
			}

			// The metrics listener serves /metrics and nothing else.
			for _, c := range []struct {
				method, path string
				want         int
			}{{"GET", "/", http.StatusNotFound}, {"GET", "/healthz", http.StatusNotFound}, {"POST", "/metrics", http.StatusMethodNotAllowed}} {
				req, _ := http.NewRequest(c.method, "http://"+a.MetricsAddr()+c.path, nil)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != c.want {
					t.Errorf("metrics listener %s %s: %d, want %d", c.method, c.path, res.StatusCode, c.want)
				}
			}
		})
	}
}

// TestNoMetricsListenerByDefault: without --metrics-addr nothing but the
// public listener is opened, and a taken metrics address is refused by name.
func TestNoMetricsListenerByDefault(t *testing.T) {
	ctx := t.Context()
	a, err := New(ctx, Config{Addr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, "sqlite"), DataDir: t.TempDir(),
		PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if a.MetricsAddr() != "" {
		t.Errorf("metrics served at %s without --metrics-addr", a.MetricsAddr())
	}
	_, err = New(ctx, Config{Addr: "127.0.0.1:0", MetricsAddr: a.Addr(), DatabaseURL: jobstest.URL(t, "sqlite"), DataDir: t.TempDir(),
		PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
		t.Errorf("a taken metrics address: %v, want an error naming --metrics-addr", err)
	}
	a.closeAll()
}

// flaky fails the collections of one connection for good and runs the rest.
type flaky struct{ fail int64 }

func (f flaky) Run(_ context.Context, _, connectionID int64, _ []attest.ResourceRef) error {
	if connectionID == f.fail {
		return attest.Errorf(attest.EINVALID, "connection %d: bad setting", connectionID)
	}
	return nil
}

// TestWorkerMetricsCountJobs runs `attest worker` (Open, then Work) with
// --metrics-addr: each collect job it runs moves the job families once, a
// failed one the failures too.
func TestWorkerMetricsCountJobs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// A free port: Work opens the listener itself.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			w, err := Open(ctx, Config{DatabaseURL: jobstest.URL(t, d), DataDir: t.TempDir(), PasswordParams: auth.TestParams,
				JobRunner: flaky{fail: 7}, Workers: 2, MetricsAddr: addr}, Needs{Evidence: true, CreateKey: true})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			workDone := make(chan error, 1)
			go func() { workDone <- w.Work(ctx, 5*time.Second) }()
			var ids []int64
			for _, conn := range []int64{5, 6, 7} {
				id, err := w.Jobs.Enqueue(ctx, 1, conn, nil)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			for _, id := range ids {
				waitFinal(t, w.Jobs, id)
			}
			s, _ := scrape(t, addr)
			for _, c := range []struct {
				name string
				want float64
			}{{"attest_job_runs_total", 3}, {"attest_job_failures_total", 1}, {"attest_job_duration_seconds_count", 3}} {
				if got := s.Get(c.name, "kind", "collect"); got != c.want {
					t.Errorf("%s{kind=collect} = %v, want %v", c.name, got, c.want)
				}
			}
			cancel()
			select {
			case err := <-workDone:
				if err != nil {
					t.Errorf("Work: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the worker did not stop")
			}
			if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
				t.Error("the metrics listener outlived the worker")
			}
		})
	}
}

// waitFinal waits for a job to be done or failed, polling (the job runs in
// the background).
func waitFinal(t *testing.T, j *jobs.Jobs, id int64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s, err := j.Status(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == jobs.Done || s.Status == jobs.Failed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s, want finished", id, s.Status)
		}
	}
}

// TestCollectionMetrics runs the production collection path (the job
// runner: the monitoring service and the GitHub connector against a local
// GitHub) once against a working GitHub and once against one that is gone:
// the collection families count both, the last success is the first's, and
// the ledger appends add up to the ledger's length.
func TestCollectionMetrics(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			gh := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
			defer gh.Close()
			gone := githubtest.NewServer(githubtest.DefaultScenario(time.Now()))
			gone.Close()
			s, err := Open(ctx, Config{DatabaseURL: jobstest.URL(t, d), DataDir: t.TempDir(), PasswordParams: auth.TestParams},
				Needs{Evidence: true, CreateKey: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			org := storetest.MustOrg(t, s.DB, "acme")
			u := storetest.MustMember(t, s.DB, org, attest.RoleManager, "max@acme.test")
			p := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager}
			var conns []attest.Connection
			for _, c := range []struct{ name, url string }{{"github", gh.URL}, {"old-github", gone.URL}} {
				conn, err := s.Connections.Add(ctx, p, connection.Input{Type: "github", Name: c.name,
					Settings: map[string]string{"org": "northwind", "base_url": c.url}, Secret: []byte("ghp_test")})
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, conn)
			}
			scrapeNow := func() metricstest.Scrape {
				rec := httptest.NewRecorder()
				s.Metrics.Handler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				sc, err := metricstest.Parse(rec.Body.String())
				if err != nil {
					t.Fatal(err)
				}
				return sc
			}
			before := scrapeNow()
			start := time.Now()
			if err := s.CollectionRunner().Run(ctx, org.ID, conns[0].ID, nil); err != nil {
				t.Fatal(err)
			}
			finished := time.Now()
			if err := s.CollectionRunner().Run(ctx, org.ID, conns[1].ID, nil); err != nil {
				t.Fatalf("a collection that failed as a whole is still recorded: %v", err)
			}
			after := scrapeNow()
			if got := after.Get("attest_collection_runs_total", "connector", "github"); got != 2 {
				t.Errorf("collections %v, want 2", got)
			}
			if got := after.Get("attest_collection_failures_total", "connector", "github"); got != 1 {
				t.Errorf("failed collections %v, want 1", got)
			}
			last := after.Get("attest_collection_last_success_timestamp_seconds", "connector", "github")
			if last < float64(start.Unix()) || last > float64(finished.Unix()+1) {
				t.Errorf("last success at %v, want between %d and %d", last, start.Unix(), finished.Unix())
			}
			head, err := s.DB.LedgerHead(ctx, org.ID)
			if err != nil || head == nil {
				t.Fatalf("ledger head: %v %v", head, err)
			}
			appended := after.Sum("attest_ledger_appends_total") - before.Sum("attest_ledger_appends_total")
			if appended != float64(head.Seq) || after.Get("attest_ledger_appends_total", "record_type", "snapshot") != 2 {
				t.Errorf("ledger appends counted %v (snapshots %v), the ledger has %d entries with 2 snapshots",
					appended, after.Get("attest_ledger_appends_total", "record_type", "snapshot"), head.Seq)
			}
		})
	}
}

// idle runs nothing: the queue here is only written to.
type idle struct{}

func (idle) Run(context.Context, int64, int64, []attest.ResourceRef) error { return nil }

// TestJobMetricsReadTheDatabase: /metrics of a process opened as
// production does reads the install's job processes and queue from the
// database at each scrape, judging a process lost by --job-lost-after as
// `attest jobs` does; a table that cannot be read leaves its family out,
// counted, and the rest of the exposition whole.
func TestJobMetricsReadTheDatabase(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			s, err := Open(ctx, Config{DatabaseURL: jobstest.URL(t, d), DataDir: t.TempDir(), PasswordParams: auth.TestParams,
				JobRunner: idle{}, JobLostAfter: 90 * time.Second}, Needs{Evidence: true, CreateKey: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			scrapeNow := func() (metricstest.Scrape, string) {
				t.Helper()
				rec := httptest.NewRecorder()
				s.Metrics.Handler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				sc, err := metricstest.Parse(rec.Body.String())
				if err != nil || rec.Code != http.StatusOK {
					t.Fatalf("%d %v\n%s", rec.Code, err, rec.Body.String())
				}
				return sc, rec.Body.String()
			}
			sc, body := scrapeNow()
			if sc.Get("attest_job_processes", "state", "alive") != 0 || sc.Get("attest_job_processes", "state", "lost") != 0 ||
				sc["attest_job_processes"] == nil || len(sc["attest_jobs"].Samples) != 0 {
				t.Fatalf("a new install has job processes or jobs:\n%s", body)
			}

			// node-a was heard of now, node-c 75 s ago, node-b two minutes
			// ago: with --job-lost-after 90s only node-b is lost (with
			// the default minute node-c would be too).
			for i, host := range []string{"node-a", "node-b", "node-c"} {
				if err := s.DB.BeatProcess(ctx, "client-"+host[5:], host, 4101+i); err != nil {
					t.Fatal(err)
				}
			}
			for id, ago := range map[string]int{"client-b": 120, "client-c": 75} {
				if _, err := s.DB.Handle().ExecContext(ctx, `UPDATE job_processes SET seen_at = seen_at - $1 WHERE id = $2`, ago, id); err != nil {
					t.Fatal(err)
				}
			}
			for _, conn := range []int64{5, 6, 7} {
				if _, err := s.Jobs.Enqueue(ctx, 1, conn, nil); err != nil {
					t.Fatal(err)
				}
			}
			// One of them given up, as River leaves a job out of attempts.
			if _, err := s.DB.Handle().ExecContext(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = scheduled_at WHERE id = (SELECT min(id) FROM river_job WHERE kind = 'collect')`); err != nil {
				t.Fatal(err)
			}
			sc, body = scrapeNow()
			for _, c := range []struct {
				name  string
				pairs []string
				want  float64
			}{
				{"attest_job_processes", []string{"state", "alive"}, 2},
				{"attest_job_processes", []string{"state", "lost"}, 1},
				{"attest_jobs", []string{"kind", "collect", "state", "available"}, 2},
				{"attest_jobs", []string{"kind", "collect", "state", "discarded"}, 1},
			} {
				if got, ok := sc.Value(c.name, c.pairs...); !ok || got != c.want {
					t.Errorf("%s%v = %v (present %v), want %v\n%s", c.name, c.pairs, got, ok, c.want, body)
				}
			}
			// The same facts as the board `attest jobs` reads.
			ov, err := s.JobBoard.Overview(ctx)
			if err != nil {
				t.Fatal(err)
			}
			alive, lost := jobs.Tally(ov.Processes)
			total := 0
			for _, c := range ov.Queue {
				total += c.N
			}
			if float64(alive) != sc.Get("attest_job_processes", "state", "alive") || float64(lost) != sc.Get("attest_job_processes", "state", "lost") ||
				float64(total) != sc.Sum("attest_jobs") {
				t.Errorf("the board says %d alive, %d lost, %d jobs; /metrics:\n%s", alive, lost, total, body)
			}

			// The processes' table cannot be read: that family is left
			// out and counted, the queue and the rest are still served.
			if _, err := s.DB.Handle().ExecContext(ctx, `ALTER TABLE job_processes RENAME TO job_processes_gone`); err != nil {
				t.Fatal(err)
			}
			sc, body = scrapeNow()
			if sc["attest_job_processes"] != nil || sc.Get("attest_jobs", "kind", "collect", "state", "available") != 2 || sc["attest_build_info"] == nil {
				t.Errorf("with job_processes unreadable:\n%s", body)
			}
			if sc.Get("attest_metrics_scrape_errors_total", "family", "attest_job_processes") != 1 ||
				sc.Get("attest_metrics_scrape_errors_total", "family", "attest_jobs") != 0 {
				t.Errorf("scrape errors not counted by family:\n%s", body)
			}
		})
	}
}

// TestMetricsCountKeptPages asks three times for a kept page (the
// readiness API) with a token: the first request reads the token and the
// caller's organizations and renders the page, the others find all three
// kept; then once with a token the server does not know, which is read
// whole and refused. The kept families say so.
func TestMetricsCountKeptPages(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// A clock that stands still: a kept page holds within its minute,
			// and the three requests must not straddle two.
			now := time.Now().Truncate(time.Minute).Add(30 * time.Second)
			a, err := New(ctx, Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", DatabaseURL: jobstest.URL(t, d),
				DataDir: t.TempDir(), PasswordParams: auth.TestParams, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx) }()
			defer func() { cancel(); <-done }()
			org := storetest.MustOrg(t, a.DB, "acme")
			u := storetest.MustUser(t, a.DB, "lead@acme.test")
			storetest.MustAddMember(t, a.DB, org, u, attest.RoleAdmin)
			secret := auth.NewSecret("atk_")
			if err := a.DB.CreateToken(ctx, &attest.APIToken{OrgID: org.ID, UserID: u.ID, Name: "metrics", Prefix: secret[:12]}, auth.HashSecret(secret)); err != nil {
				t.Fatal(err)
			}
			before, _ := scrape(t, a.MetricsAddr())
			for range 3 {
				req, _ := http.NewRequest("GET", a.URL+"/api/v1/orgs/acme/readiness", nil)
				req.Header.Set("Authorization", "Bearer "+secret)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("readiness: %d", res.StatusCode)
				}
			}
			// A token the server does not know is read (and refused) and
			// reaches no page.
			req, _ := http.NewRequest("GET", a.URL+"/api/v1/orgs/acme/readiness", nil)
			req.Header.Set("Authorization", "Bearer atk_unknown")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("an unknown token: %v", err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("an unknown token: %d", res.StatusCode)
			}
			after, _ := scrape(t, a.MetricsAddr())
			for _, c := range []struct {
				family, outcome string
				want            float64
			}{
				{"attest_kept_pages_total", "rendered", 1},
				{"attest_kept_pages_total", "served", 2},
				{"attest_kept_access_total", "read", 1},
				{"attest_kept_access_total", "kept", 2},
				{"attest_kept_credentials_total", "read", 2},
				{"attest_kept_credentials_total", "kept", 2},
			} {
				if got := after.Get(c.family, "outcome", c.outcome) - before.Get(c.family, "outcome", c.outcome); got != c.want {
					t.Errorf("%s{outcome=%q} moved by %v, want %v", c.family, c.outcome, got, c.want)
				}
			}
		})
	}
}
