package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest/connector/github/githubtest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestCrashDuringMonitoringRuns kills the process that runs collection jobs
// with SIGKILL: `attest serve` with its jobs in-process, and (subtests
// "worker") an `attest worker` beside a server that only queues, at a random moment while a person
// presses "Run now" again and again on a GitHub connection whose collections
// take about a second (the local GitHub server, slowed). After each restart
// every collection the API acknowledged (202 with a job) must complete
// (none lost, none failed), the killed process's own collections included:
// they are given to the restarted one once the dead process has been silent
// for --job-lost-after, not after the queue's rescue delay (35 minutes), and
// `attest verify` passes. It runs on SQLite and on PostgreSQL.
func TestCrashDuringMonitoringRuns(t *testing.T) {
	bin := buildAttest(t)
	// The four run in parallel (up to -parallel, GOMAXPROCS by default):
	// their rounds wait on processes starting, collecting and dying more
	// than on the CPU.
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			runsCrashOn(t, bin, d, false)
		})
		t.Run(string(d)+"/worker", func(t *testing.T) {
			t.Parallel()
			runsCrashOn(t, bin, d, true)
		})
	}
}

// slow delays every request by d, as a provider far away would.
func slow(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		h.ServeHTTP(w, r)
	})
}

// runRequest is one "Run now" through the API.
type runRequest struct {
	round int
	job   int64 // from the 202 answer; 0 when there was none
	err   error
}

// runsCrashOn runs the rounds on a database of dialect d, killing a worker
// (with a server that stays up) or, when !worker, the server itself.
func runsCrashOn(t *testing.T, bin string, d store.Dialect, worker bool) {
	ctx := t.Context()
	rounds, seed := crashRounds(t), crashSeed(t)
	t.Logf("%d rounds, seed %d (repeat with ATTEST_CRASH_SEED=%d)", rounds, seed, seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	gh := httptest.NewServer(slow(githubtest.Handler(githubtest.DefaultScenario(time.Now())), 15*time.Millisecond))
	t.Cleanup(gh.Close)

	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"
	flags, opts := newInstall(t, bin, d, slug, email, password)
	serveFlags := append([]string{"--job-lost-after", "2s"}, flags...)
	token, _ := seedTokenAndControl(t, ctx, opts, slug, email)
	startServe(t, bin, serveFlags...).stop(t) // its first start makes the key that seals credentials
	attestCLI(t, bin, "ghp_test\n", append([]string{"connection", "add", "--org", slug, "--type", "github", "--name", "github",
		"--set", "org=northwind", "--set", "base_url=" + gh.URL, "--secret-stdin"}, flags...)...)
	db, org := openOrg(t, ctx, opts, slug)
	conn, err := db.ConnectionByName(ctx, org.ID, "github")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	var front *serveProc // the server that stays up, for a worker's rounds
	if worker {
		front = startServe(t, bin, append([]string{"--jobs=false"}, flags...)...)
	}
	var runs []*runRequest
	killedRunning := 0
	for round := 0; round <= rounds; round++ {
		var srv *serveProc // the process killed in this round
		api := &apiClient{org: slug, token: token, http: &http.Client{}}
		if worker {
			srv, api.base = startWorker(t, bin, serveFlags...), front.url
		} else {
			srv = startServe(t, bin, serveFlags...)
			api.base = srv.url
		}
		// Every collection acknowledged so far completes on this server.
		start := time.Now()
		waitRuns(t, ctx, api, runs, srv)
		if round > 0 {
			t.Logf("round %d: the %d collections acknowledged before completed in %v", round, len(runs), time.Since(start).Round(time.Millisecond))
		}
		if round == rounds {
			srv.stop(t)
			if front != nil {
				front.stop(t)
			}
			break
		}

		// "Run now" every 50–150 ms until the kill.
		rctx, rcancel := context.WithCancel(ctx)
		var (
			mu   sync.Mutex
			sent []*runRequest
			wg   sync.WaitGroup
		)
		pause := make([]time.Duration, 64)
		for i := range pause {
			pause[i] = time.Duration(50+rng.IntN(100)) * time.Millisecond
		}
		wg.Go(func() {
			for n := 0; rctx.Err() == nil && n < len(pause); n++ {
				r := &runRequest{round: round}
				r.job, r.err = api.runNow(rctx, conn.ID)
				mu.Lock()
				sent = append(sent, r)
				mu.Unlock()
				if r.job == 0 {
					return // the server is gone
				}
				time.Sleep(pause[n])
			}
		})
		wait := time.Duration(300+rng.IntN(2200)) * time.Millisecond
		time.Sleep(wait)
		mu.Lock()
		sofar := slices.Clone(sent) // the writer goes on appending
		mu.Unlock()
		running := api.running(ctx, sofar)
		srv.kill(t)
		rcancel() // a worker's server is still up: stop pressing
		wg.Wait()
		killedRunning += running

		acked := 0
		for _, r := range sent {
			if r.job != 0 {
				acked++
				runs = append(runs, r)
			} else if r.err != nil && strings.HasPrefix(r.err.Error(), "status ") {
				t.Errorf("round %d: a Run now was refused: %v", round, r.err)
			}
		}
		t.Logf("round %d: killed after %v, %d collections acknowledged, %d of them running at the kill", round, wait, acked, running)
		out := attestCLI(t, bin, "", append([]string{"verify"}, flags...)...)
		checkVerified(t, out, slug)
		if t.Failed() {
			t.Fatalf("round %d of seed %d failed; server log:\n%s", round, seed, srv.logs.String())
		}
	}
	if killedRunning == 0 {
		t.Errorf("no kill landed while a collection ran in %d rounds: the test proved nothing", rounds)
	}

	db, org = openOrg(t, ctx, opts, slug)
	defer db.Close()
	cols, err := db.Collections(ctx, org.ID, conn.ID, 10000)
	if err != nil {
		t.Fatal(err)
	}
	// The list holds the newest 1,000 (the long form acknowledges more);
	// each round has already checked every acknowledged run completed.
	if want := min(len(runs), 1000); len(cols) < want {
		t.Errorf("%d collections recorded for %d acknowledged", len(cols), len(runs))
	}
	t.Logf("%d rounds: %d collections acknowledged and completed, %d of them interrupted by a kill; %d recorded (with scheduled ones)",
		rounds, len(runs), killedRunning, len(cols))
}

// runNow presses "Run now" on connection id and returns the queued job.
func (c *apiClient) runNow(ctx context.Context, id int64) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/v1/orgs/%s/connections/%d/run", c.base, c.org, id), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusAccepted {
		return 0, fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	var got struct {
		Job int64 `json:"job"`
	}
	if err := json.Unmarshal(data, &got); err != nil || got.Job == 0 {
		return 0, fmt.Errorf("answer %s: %v", data, err)
	}
	return got.Job, nil
}

// job reads a collection job's status.
func (c *apiClient) job(ctx context.Context, id int64) (status, errText string, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/orgs/%s/jobs/%d", c.base, c.org, id), nil)
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	var st struct{ Status, Error string }
	if err := json.Unmarshal(data, &st); err != nil {
		return "", "", fmt.Errorf("answer %s: %w", data, err)
	}
	return st.Status, st.Error, nil
}

// running counts the acknowledged collections of sent that are running now.
func (c *apiClient) running(ctx context.Context, sent []*runRequest) int {
	n := 0
	for _, r := range sent {
		if r.job == 0 {
			continue
		}
		if st, _, err := c.job(ctx, r.job); err == nil && st == "running" {
			n++
		}
	}
	return n
}

// waitRuns waits until every acknowledged collection of runs is done,
// failing the test at the first that failed or after two minutes.
func waitRuns(t *testing.T, ctx context.Context, api *apiClient, runs []*runRequest, srv *serveProc) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for _, r := range runs {
		for {
			st, why, err := api.job(ctx, r.job)
			if err != nil {
				t.Fatalf("job %d (round %d): %v", r.job, r.round, err)
			}
			if st == "done" {
				break
			}
			if st == "failed" {
				t.Fatalf("job %d (round %d) failed: %s", r.job, r.round, why)
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d (round %d) is still %s after two minutes (%s); server log:\n%s", r.job, r.round, st, why, srv.logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
