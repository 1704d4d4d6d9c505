// Command pages measures Attest's busiest pages under load with wrk, each
// beside a floor measured in the same run: the same bytes, served from memory
// by a bare net/http handler on the same machine.
//
//	go run ./bench/pages                       # builds the large organization in a temporary folder first (about 2 minutes)
//	go run ./bench/pages -data-dir DIR         # reuses one: attest serve --demo-size large --data-dir DIR built it
//	go run ./bench/pages -size standard        # the demo organization alone
//	go run ./bench/pages -database-url postgres://…   # on PostgreSQL (blobs and keys in -data-dir)
//
// It starts Attest in this process (as `attest serve --demo`, without job
// workers, so no scheduled collection runs during a measurement), signs in
// as the demo admin, and for each page of the demo organization and of the
// large one (dashboard, controls, one control, evidence list, readiness API,
// monitoring) runs wrk twice against Attest and twice against the floor: at
// 50 connections for throughput, and at 200 with --latency for the 99th
// percentile. It prints, per page, Attest's requests per second as a share
// of the floor's, the p99 at 200 connections, errors, and how each figure
// grows from the demo organization to the large one beside how the page's
// bytes grow; and the process's resident memory at its peak.
//
// Requests are made as a browser makes them (-encoding gzip, the default):
// they accept gzip, and a page's request says it comes from the same site
// (Sec-Fetch-Site), so Attest may send a kept page gzipped; the floor serves
// the bytes Attest sent, gzipped or not. -encoding identity asks for pages
// as written, as a client that accepts no compression does.
//
// The goals (issue 20): p99 ≤ 50 ms at 200 connections, throughput ≥ 10% of
// the floor, resident memory ≤ 300 MB, no errors, and no page growing faster
// than its visible content. wrk must be installed (Debian: apt-get install
// wrk).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/demo"
	"github.com/attest-hq/attest/store"
)

func main() {
	dataDir := flag.String("data-dir", "", "data directory to start from (kept); empty: a temporary one, built from scratch")
	size := flag.String("size", "large", "large: the demo organization and the large one; standard: the demo organization alone")
	duration := flag.Duration("duration", 5*time.Second, "how long each wrk run lasts")
	threads := flag.Int("threads", 2, "wrk threads")
	dbURL := flag.String("database-url", "", "PostgreSQL to measure on; empty: SQLite in the data directory")
	only := flag.String("page", "", "measure only the pages whose name contains this (e.g. dashboard)")
	encoding := flag.String("encoding", "gzip", "gzip: ask as browsers and most HTTP clients do (Accept-Encoding: gzip, and Sec-Fetch-Site for pages); identity: ask for pages as written")
	profiles := flag.String("cpuprofile", "", "folder to write a CPU profile of each page's run at 50 connections into (ORG-PAGE.pprof), of the start (start.pprof: the build of what is missing), and of the Go heap after every run (heap.pprof)")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		fail(errors.New("wrk is not installed (Debian: apt-get install wrk)"))
	}
	if *size != "large" && *size != "standard" {
		fail(fmt.Errorf("-size: want large or standard, got %q", *size))
	}
	if *encoding != "gzip" && *encoding != "identity" {
		fail(fmt.Errorf("-encoding: want gzip or identity, got %q", *encoding))
	}
	if err := run(*dataDir, *dbURL, *size == "large", *duration, *threads, *only, *profiles, *encoding == "gzip"); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/pages:", err)
	os.Exit(1)
}

// page is one page measured.
type page struct {
	name, path string
	bearer     bool // the API: a token, not the session
}

func pages(org string, control int64) []page {
	base := "/o/" + org
	return []page{
		{"dashboard", base, false},
		{"controls", base + "/controls", false},
		{"a control", fmt.Sprintf("%s/controls/%d", base, control), false},
		{"evidence list", base + "/evidence", false},
		{"readiness API", "/api/v1/orgs/" + org + "/readiness", true},
		{"monitoring", base + "/monitoring", false},
		{"test list API", "/api/v1/orgs/" + org + "/tests", true},
		{"acknowledgements API", "/api/v1/orgs/" + org + "/acknowledgements?limit=50", true},
	}
}

// result is one page's figures.
type result struct {
	page          page
	bytes         int     // the page's, as written
	sent          int     // on the wire: gzipped when Attest sent it so
	rps, floorRPS float64 // at 50 connections
	p99, floorP99 time.Duration
	errors        int
	attestRSS     int64 // after the page's runs, in bytes
	goHeap        int64 // of which the Go heap in use (the rest: SQLite's caches, stacks, the runtime)
}

func run(dataDir, dbURL string, large bool, d time.Duration, threads int, only, profiles string, gzipped bool) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "attest-bench-pages-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	var out bytes.Buffer
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: dataDir, DatabaseURL: dbURL, Demo: true, NoJobs: true, Out: &out,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if large {
		cfg.DemoSize = demo.Large
	}
	start := time.Now()
	fmt.Printf("bench/pages: starting Attest on %s (building what is missing)…\n", dataDir)
	startPath := ""
	if profiles != "" {
		startPath = filepath.Join(profiles, "start.pprof")
	}
	stop, err := startProfile(startPath)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg)
	if err := errors.Join(err, stop()); err != nil {
		return err
	}
	fmt.Printf("started in %v; resident memory %s, peak %s\n", time.Since(start).Round(time.Millisecond), mib(rss("VmRSS")), mib(rss("VmHWM")))
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx) }()

	password := regexp.MustCompile(`admin@demo\.attest\.test\s+(\S+)`).FindStringSubmatch(out.String())
	if password == nil {
		return errors.New("the demo admin's login was not printed")
	}
	cookie, err := signIn(a.URL, "admin@demo.attest.test", password[1])
	if err != nil {
		return err
	}
	orgs := []string{demo.OrgSlug}
	if large {
		orgs = append(orgs, demo.LargeSlug)
	}
	all := map[string][]result{}
	for _, slug := range orgs {
		org, err := a.DB.OrgBySlug(ctx, slug)
		if err != nil {
			return err
		}
		token, err := apiToken(ctx, a.DB, org)
		if err != nil {
			return err
		}
		controls, err := a.DB.Controls(ctx, org.ID, store.ControlFilter{})
		if err != nil || len(controls) == 0 {
			return fmt.Errorf("%s has no controls (%v)", slug, err)
		}
		for _, p := range pages(slug, controls[0].ID) {
			if !strings.Contains(p.name, only) {
				continue
			}
			profile := ""
			if profiles != "" {
				profile = filepath.Join(profiles, slug+"-"+strings.ReplaceAll(p.name, " ", "-")+".pprof")
			}
			header := []string{"Cookie: " + cookie}
			if p.bearer {
				header = []string{"Authorization: Bearer " + token}
			}
			if gzipped {
				header = append(header, "Accept-Encoding: gzip, deflate, br, zstd")
				if !p.bearer {
					header = append(header, "Sec-Fetch-Site: same-origin")
				}
			}
			r, err := measure(a.URL, p, header, d, threads, profile)
			if err != nil {
				return fmt.Errorf("%s %s: %w", slug, p.name, err)
			}
			fmt.Printf("  %-6s %-14s %8d B (sent %7d B)  %7.0f req/s (floor %7.0f, %5.1f%%)  p99 at 200: %8v (floor %v)  errors %d  RSS %s (Go heap %s)\n",
				slug, p.name, r.bytes, r.sent, r.rps, r.floorRPS, 100*r.rps/r.floorRPS, r.p99, r.floorP99, r.errors, mib(r.attestRSS), mib(r.goHeap))
			all[slug] = append(all[slug], r)
		}
	}
	peak := rss("VmHWM")
	if profiles != "" {
		if err := writeHeapProfile(filepath.Join(profiles, "heap.pprof")); err != nil {
			return err
		}
	}
	fmt.Printf("\n| Organization | Page | Bytes | Sent | Attest req/s (c50) | Floor req/s | Share of floor | p99 at c200 | Floor p99 | Errors |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, slug := range orgs {
		for _, r := range all[slug] {
			fmt.Printf("| %s | %s | %d | %d | %.0f | %.0f | %.1f%% | %v | %v | %d |\n", slug, r.page.name, r.bytes, r.sent, r.rps, r.floorRPS, 100*r.rps/r.floorRPS,
				r.p99.Round(100*time.Microsecond), r.floorP99.Round(100*time.Microsecond), r.errors)
		}
	}
	if large {
		fmt.Printf("\nFrom the demo organization to the large one:\n\n| Page | Bytes | Time per request (c50) | p99 at c200 |\n|---|---|---|---|\n")
		for i, s := range all[demo.OrgSlug] {
			l := all[demo.LargeSlug][i]
			fmt.Printf("| %s | %.2f× | %.2f× | %.2f× |\n", s.page.name, float64(l.bytes)/float64(s.bytes), s.rps/l.rps, float64(l.p99)/float64(s.p99))
		}
	}
	fmt.Printf("\nresident memory at its peak (the process: Attest and the floors): %s\n", mib(peak))
	cancel()
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// signIn signs in through the form and returns the session's cookie.
func signIn(base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if resp.StatusCode != http.StatusSeeOther || len(parts) == 0 {
		return "", fmt.Errorf("sign-in answered %d with %d cookies", resp.StatusCode, len(parts))
	}
	return strings.Join(parts, "; "), nil
}

// apiToken makes the demo admin an API token of org.
func apiToken(ctx context.Context, db *store.DB, org attest.Organization) (string, error) {
	u, err := db.UserByEmail(ctx, "admin@demo.attest.test")
	if err != nil {
		return "", err
	}
	secret := auth.NewSecret("atk_")
	tok := attest.APIToken{OrgID: org.ID, UserID: u.ID, Name: "bench/pages", Prefix: secret[:12]}
	return secret, db.CreateToken(ctx, &tok, auth.HashSecret(secret))
}

// measure fetches the page once, serves its bytes from a bare handler (the
// floor), and runs wrk against both. With a profile path, the CPU profile of
// Attest's run at 50 connections is written there.
func measure(base string, p page, header []string, d time.Duration, threads int, profile string) (result, error) {
	r := result{page: p}
	req, _ := http.NewRequest("GET", base+p.path, nil)
	for _, h := range header {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	// The bytes as sent: the transport neither asks for gzip nor undoes it.
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		return r, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return r, err
	}
	if resp.StatusCode != http.StatusOK {
		return r, fmt.Errorf("answered %d", resp.StatusCode)
	}
	r.bytes, r.sent = len(body), len(body)
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return r, fmt.Errorf("Content-Encoding gzip: %w", err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil {
			return r, fmt.Errorf("Content-Encoding gzip: %w", err)
		}
		r.bytes = int(n)
	default:
		return r, fmt.Errorf("answered in an encoding not asked for: %q", enc)
	}
	ctype, cenc := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return r, err
	}
	floor := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctype)
		if cenc != "" {
			w.Header().Set("Content-Encoding", cenc)
		}
		w.Write(body)
	})}
	go floor.Serve(ln)
	defer floor.Close()
	floorBase := "http://" + ln.Addr().String()

	var errs int
	stop, err := startProfile(profile)
	if err != nil {
		return r, err
	}
	r.rps, _, errs, err = wrk(base+p.path, header, 50, threads, d, false)
	if err := stop(); err != nil {
		return r, err
	}
	if err != nil {
		return r, err
	}
	r.errors += errs
	if r.floorRPS, _, _, err = wrk(floorBase+p.path, header, 50, threads, d, false); err != nil {
		return r, err
	}
	if _, r.p99, errs, err = wrk(base+p.path, header, 200, threads, d, true); err != nil {
		return r, err
	}
	r.errors += errs
	if _, r.floorP99, _, err = wrk(floorBase+p.path, header, 200, threads, d, true); err != nil {
		return r, err
	}
	r.attestRSS = rss("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.goHeap = int64(ms.HeapInuse)
	return r, nil
}

// startProfile starts a CPU profile written to path ("" for none) and
// returns what stops it.
func startProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// writeHeapProfile writes what the Go heap holds now (after every page's
// runs), to tell kept derivations and pages from SQLite's caches outside it.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	return errors.Join(pprof.WriteHeapProfile(f), f.Close())
}

var (
	rpsLine  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99Line  = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)\s*$`)
	non2xx   = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	sockErrs = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrk runs wrk and reads its requests per second, its 99th percentile
// (with latency), and its errors (non-2xx answers, socket errors).
func wrk(target string, header []string, conns, threads int, d time.Duration, latency bool) (rps float64, p99 time.Duration, errs int, err error) {
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", fmt.Sprintf("%ds", int(d.Seconds())), "--timeout", "10s"}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	if latency {
		args = append(args, "--latency")
	}
	out, err := exec.Command("wrk", append(args, target)...).CombinedOutput()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	text := string(out)
	m := rpsLine.FindStringSubmatch(text)
	if m == nil {
		return 0, 0, 0, fmt.Errorf("wrk printed no requests per second:\n%s", text)
	}
	rps, _ = strconv.ParseFloat(m[1], 64)
	if latency {
		m := p99Line.FindStringSubmatch(text)
		if m == nil {
			return 0, 0, 0, fmt.Errorf("wrk printed no 99th percentile:\n%s", text)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]
		p99 = time.Duration(v * float64(unit))
	}
	if m := non2xx.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		errs += n
	}
	if m := sockErrs.FindStringSubmatch(text); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			errs += n
		}
	}
	return rps, p99, errs, nil
}

// rss reads one of this process's memory figures from /proc (VmRSS: now;
// VmHWM: the peak), in bytes; 0 where /proc is not there.
func rss(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
