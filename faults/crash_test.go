package faults_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// crashRounds is how many times TestCrashesKeepWhatWasAcknowledged kills the
// server: a few by default, so CI stays fast; ATTEST_CRASH_ROUNDS=100 for the
// long run recorded in docs/security.md.
func crashRounds(t *testing.T) int {
	s := os.Getenv("ATTEST_CRASH_ROUNDS")
	if s == "" {
		return 4
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("ATTEST_CRASH_ROUNDS=%q: want a positive number of rounds", s)
	}
	return n
}

// crashSeed is the seed of the kill moments and upload sizes, printed so that
// a failing run can be repeated with ATTEST_CRASH_SEED.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("ATTEST_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ATTEST_CRASH_SEED=%q: want a number", s)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// TestCrashesKeepWhatWasAcknowledged kills `attest serve` with SIGKILL at a
// random moment of a stream of uploads, round after round on the same data
// directory. After every kill `attest verify` must pass and every upload the
// API acknowledged (201) must be in the database with the identifier, hash
// and ledger entry it was acknowledged with, its blob intact. Acknowledged
// uploads of earlier rounds are checked again in every later round, so a
// restart that loses or rewrites history fails too. It runs on SQLite (the
// data directory's database) and on PostgreSQL.
func TestCrashesKeepWhatWasAcknowledged(t *testing.T) {
	bin := buildAttest(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel() // the rounds wait on processes more than on the CPU
			crashesOn(t, bin, d)
		})
	}
}

// crashesOn runs the crash rounds on a database of dialect d.
func crashesOn(t *testing.T, bin string, d store.Dialect) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rounds, seed := crashRounds(t), crashSeed(t)
	t.Logf("%d rounds, seed %d (repeat with ATTEST_CRASH_SEED=%d)", rounds, seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	started := time.Now()

	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"
	flags, opts := newInstall(t, bin, d, slug, email, password)
	token, controlID := seedTokenAndControl(t, ctx, opts, slug, email)
	// Employees accepting a published policy: one acceptance each, so a
	// round goes on with the employees the rounds before did not reach.
	acceptors, versionID := seedAcceptors(t, ctx, bin, flags, opts, slug, email, min(60*rounds, 1500))
	nextAcceptor := 0
	var accepts []*acceptor

	var all []*upload // every upload of every round, acknowledged or not
	var tasks []*taskWrite
	killedAcked, killedMid := 0, 0
	for round := range rounds {
		srv := startServe(t, bin, flags...)
		api := &apiClient{base: srv.url, org: slug, token: token, control: controlID,
			http: &http.Client{Transport: &http.Transport{DisableCompression: true}}}

		// Three writers, back to back, with sizes from 1 KiB to 2 MiB, so
		// that the kill lands in a request's body, between the blob's Put
		// and the commit, or between requests.
		rctx, rcancel := context.WithCancel(ctx)
		var (
			mu   sync.Mutex
			sent []*upload
			wg   sync.WaitGroup
		)
		sizes := make([][]int64, 3)
		for g := range sizes {
			for range 64 {
				sizes[g] = append(sizes[g], 1<<10+rng.Int64N(2<<20))
			}
		}
		for g := range 3 {
			wg.Go(func() {
				for n := 0; rctx.Err() == nil && n < len(sizes[g]); n++ {
					u := &upload{title: fmt.Sprintf("r%d-w%d-%d", round, g, n), filename: fmt.Sprintf("r%d-%d-%d.bin", round, g, n),
						seed: seed ^ uint64(round)<<40 ^ uint64(g)<<32 ^ uint64(n), size: sizes[g][n]}
					api.send(rctx, u)
					mu.Lock()
					sent = append(sent, u)
					mu.Unlock()
					if u.ack == nil {
						return // the server is gone
					}
				}
			})
		}
		// A fourth writer creates tasks, small writes of another service,
		// so that kills also land in and between those transactions.
		wg.Go(func() {
			for n := 0; rctx.Err() == nil && n < 200; n++ {
				tk := &taskWrite{title: fmt.Sprintf("r%d-task-%d", round, n)}
				api.createTask(rctx, tk)
				mu.Lock()
				tasks = append(tasks, tk)
				mu.Unlock()
				if tk.id == 0 {
					return // the server is gone
				}
			}
		})
		// A fifth has employees accept the policy: an acceptance is a
		// ledger record, a signed checkpoint and an activity row.
		wg.Go(func() {
			for rctx.Err() == nil && nextAcceptor < len(acceptors) {
				a := acceptors[nextAcceptor]
				nextAcceptor++
				api.accept(rctx, a, versionID)
				mu.Lock()
				accepts = append(accepts, a)
				mu.Unlock()
				if a.id == 0 {
					return // the server is gone
				}
			}
		})
		wait := time.Duration(50+rng.IntN(1200)) * time.Millisecond
		time.Sleep(wait)
		srv.kill(t)
		wg.Wait()
		rcancel()
		api.http.CloseIdleConnections()

		acked := 0
		for _, u := range sent {
			if u.ack != nil {
				acked++
			} else if u.sent.Load() > 0 {
				killedMid++
			}
		}
		killedAcked += acked
		all = append(all, sent...)
		t.Logf("round %d: killed after %v, %d uploads acknowledged, %d cut short", round, wait, acked, len(sent)-acked)
		// A kill shows as a transport error (reset, EOF, closed connection);
		// an answer other than 201 is a refusal, which no kill explains.
		for _, u := range sent {
			if u.ack == nil && u.err != nil && strings.HasPrefix(u.err.Error(), "status ") {
				t.Errorf("round %d: %s was refused: %v", round, u.title, u.err)
			}
		}

		for _, tk := range tasks {
			if tk.id == 0 && tk.err != nil && strings.HasPrefix(tk.err.Error(), "status ") {
				t.Errorf("round %d: task %s was refused: %v", round, tk.title, tk.err)
			}
		}
		for _, a := range accepts {
			if a.id == 0 && a.err != nil && strings.HasPrefix(a.err.Error(), "status ") {
				t.Errorf("round %d: the acceptance of %s was refused: %v", round, a.email, a.err)
			}
		}
		out := attestCLI(t, bin, "", append([]string{"verify"}, flags...)...)
		checkVerified(t, out, slug)
		checkAcknowledged(t, ctx, opts, "", slug, all)
		checkTasks(t, ctx, opts, slug, tasks)
		checkAcceptances(t, ctx, opts, slug, accepts)
		if t.Failed() {
			t.Fatalf("round %d of seed %d failed; server log:\n%s", round, seed, srv.logs.String())
		}
	}
	if killedAcked == 0 {
		t.Errorf("no upload was acknowledged in %d rounds: the test proved nothing", rounds)
	}
	t.Logf("%d rounds in %v: %d uploads acknowledged and kept, %d cut short by a kill", rounds, time.Since(started).Round(time.Millisecond), killedAcked, killedMid)
}

// TestCrashDuringMigrate kills `attest migrate` on a fresh database at a
// random moment inside the time a whole migration takes, then requires a
// second run to finish the job: the install then takes an organization,
// starts and verifies.
func TestCrashDuringMigrate(t *testing.T) {
	seed := crashSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	bin := buildAttest(t)

	// How long a whole migration takes on this machine, to aim the kill
	// inside it.
	probe := filepath.Join(t.TempDir(), "probe")
	began := time.Now()
	attestCLI(t, bin, "", "migrate", "--data-dir", probe)
	full := time.Since(began)

	landed := 0
	const tries = 3
	for try := range tries {
		data := filepath.Join(t.TempDir(), "data")
		cmd := exec.Command(bin, "migrate", "--data-dir", data)
		cmd.Env = childEnv()
		killWithParent(cmd)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := time.Duration(rng.Int64N(int64(full)))
		select {
		case err := <-done:
			t.Logf("try %d: migrate finished (%v) before the kill at %v", try, err, wait)
		case <-time.After(wait):
			cmd.Process.Kill()
			if err := <-done; err != nil {
				landed++
				t.Logf("try %d: migrate killed after %v of a %v migration", try, wait, full)
			}
		}
		attestCLI(t, bin, "", "migrate", "--data-dir", data)
		attestCLI(t, bin, "", "org", "create", "acme", "--name", "Acme", "--data-dir", data)
		// serve starts on what the two runs left (and creates the key
		// verify checks checkpoints with).
		startServe(t, bin, "--data-dir", data).stop(t)
		out := attestCLI(t, bin, "", "verify", "--data-dir", data)
		checkVerified(t, out, "acme")
	}
	t.Logf("seed %d: a whole migration takes %v; %d of %d kills landed while it ran", seed, full, landed, tries)
	if landed == 0 {
		t.Errorf("no kill landed during a migration (%v long): the test proved nothing", full)
	}
}
