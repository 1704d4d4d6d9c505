// Command verify measures how fast Attest verifies evidence, as a ratio to
// sha256sum over the same bytes in the same run.
//
//	go run ./bench/verify                 # 2 GiB in 32 files
//	go run ./bench/verify --size 256MiB   # a quick run
//
// It generates --files files of random data totalling --size in a temporary
// directory, adds each as evidence through evidence.Service (a filesystem blob
// store and SQLite, both under the temporary directory), exports the
// organization's bundle, and then, --rounds times:
//
//   - runs the system's sha256sum over the blob files themselves (the floor);
//   - hashes the same files in this process with crypto/sha256, through
//     ledger.HashReader (a second floor: hashing alone, with Go's SHA-256,
//     which uses the CPU's SHA instructions where coreutils may not);
//   - runs Service.Verify over the organization (what `attest verify` does);
//   - runs ledger.VerifyBundle over the exported bundle (what
//     `attest verify FILE.zip --pubkey KEY` does).
//
// It prints the median throughput of each and the ratios to the floor. The
// target is Service.Verify at 0.8× sha256sum or better. All three read files
// that were just written, so they read from the page cache when memory allows:
// the comparison is of hashing and bookkeeping, not of the disk. Everything is
// removed at the end, also on Ctrl-C.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

func main() {
	size := flag.String("size", "2GiB", "total size of the generated evidence (B, KiB, MiB or GiB)")
	files := flag.Int("files", 32, "number of files the size is split into")
	rounds := flag.Int("rounds", 3, "timed rounds; the median is reported")
	dir := flag.String("dir", "", "where to create the temporary directory (default: the system's temporary directory)")
	flag.Parse()
	total, err := parseSize(*size)
	if err == nil && (*files < 1 || int64(*files) > total) {
		err = fmt.Errorf("--files must be between 1 and the size in bytes, got %d", *files)
	}
	if err == nil && *rounds < 1 {
		err = fmt.Errorf("--rounds must be at least 1, got %d", *rounds)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/verify:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, total, *files, *rounds, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench/verify:", err)
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, total int64, files, rounds int, parent string) error {
	tmp, err := os.MkdirTemp(parent, "attest-bench-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db, err := store.Open(ctx, store.Options{DataDir: tmp})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	blobs, err := blob.Open(ctx, "", tmp)
	if err != nil {
		return err
	}
	defer blobs.Close()
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	org := attest.Organization{Slug: "bench", Name: "Bench"}
	if err := db.CreateOrg(ctx, &org); err != nil {
		return err
	}
	ctl := attest.Control{OrgID: org.ID, Ref: "BEN-1", Name: "Benchmark", Family: "Bench", Type: "preventive", Frequency: "quarterly", Status: attest.StatusImplemented}
	if err := db.CreateControl(ctx, &ctl); err != nil {
		return err
	}
	per := total / int64(files)
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: total}

	fmt.Printf("attest bench/verify: %s in %d files, %d rounds, %s %s/%s, %d CPUs\n",
		sizeString(total), files, rounds, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Printf("working in %s\n\n", tmp)

	// Generate each file, add it as `attest evidence add` would, and remove
	// the source: what stays is the blob store and the database.
	src := filepath.Join(tmp, "src")
	if err := os.Mkdir(src, 0o700); err != nil {
		return err
	}
	var addTime time.Duration
	for i := range files {
		n := per
		if i == files-1 {
			n = total - per*int64(files-1)
		}
		path := filepath.Join(src, fmt.Sprintf("evidence-%03d.bin", i))
		if err := writeRandom(path, uint64(i), n); err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		start := time.Now()
		_, err = svc.Add(ctx, evidence.New{Org: org, Actor: attest.Actor{Label: "bench", Via: attest.ViaCLI}, Kind: attest.KindFile,
			Title: filepath.Base(path), Filename: filepath.Base(path), ControlIDs: []int64{ctl.ID}}, f)
		addTime += time.Since(start)
		f.Close()
		if err != nil {
			return fmt.Errorf("adding %s: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	fmt.Printf("%-22s %8.1f MiB/s   (%d files through Service.Add: hash, write, fsync, commit)\n", "add", mibps(total, addTime), files)

	bundle := filepath.Join(tmp, "bundle.zip")
	start := time.Now()
	if err := export(ctx, svc, org, bundle); err != nil {
		return err
	}
	fmt.Printf("%-22s %8.1f MiB/s   (Service.Export to a file)\n\n", "export", mibps(total, time.Since(start)))

	paths, err := blobFiles(filepath.Join(tmp, "blobs", "sha256"))
	if err != nil {
		return err
	}
	if len(paths) != files {
		return fmt.Errorf("found %d blob files, want %d", len(paths), files)
	}
	sha256sum, lookErr := exec.LookPath("sha256sum")
	if lookErr != nil {
		fmt.Printf("sha256sum is not in PATH: no floor in this run, throughputs only\n\n")
	}

	// Each round runs every measurement once, starting one later each round,
	// so that a slow spell of a shared machine does not land on one of them
	// every time.
	type measurement struct {
		name   string
		target float64 // least ratio to sha256sum, when there is one
		run    func() (time.Duration, error)
		times  []time.Duration
	}
	ms := []*measurement{
		{name: "sha256sum", run: func() (time.Duration, error) { return timeSHA256sum(ctx, sha256sum, paths) }},
		{name: "crypto/sha256", run: func() (time.Duration, error) { return timeGoSHA256(paths) }},
		{name: "Service.Verify", target: 0.8, run: func() (time.Duration, error) {
			start := time.Now()
			rep, err := svc.Verify(ctx, org)
			d := time.Since(start)
			if err != nil {
				return d, fmt.Errorf("Service.Verify: %w", err)
			}
			if rep.Bytes != total || rep.Evidence != files {
				return d, fmt.Errorf("Service.Verify covered %d evidence items and %d bytes, want %d and %d", rep.Evidence, rep.Bytes, files, total)
			}
			return d, nil
		}},
		{name: "ledger.VerifyBundle", run: func() (time.Duration, error) { return timeVerifyBundle(bundle, pub, total) }},
	}
	if lookErr != nil {
		ms = ms[1:]
	}
	for r := range rounds {
		for i := range ms {
			m := ms[(r+i)%len(ms)]
			d, err := m.run()
			if err != nil {
				return err
			}
			m.times = append(m.times, d)
		}
	}

	// The best round is the figure least disturbed by other work on the
	// machine; the median shows how much the rounds agreed.
	rate := func(m *measurement, of func([]time.Duration) time.Duration) float64 { return mibps(total, of(m.times)) }
	fmt.Printf("%-20s %-21s   %-26s %s\n", "", "MiB/s best (median)", "× sha256sum best (median)", "× crypto/sha256 best")
	goHash := ms[slices.IndexFunc(ms, func(m *measurement) bool { return m.name == "crypto/sha256" })]
	for _, m := range ms {
		vsFloor := "-"
		if lookErr == nil {
			floor := ms[0]
			best, med := rate(m, slices.Min)/rate(floor, slices.Min), rate(m, median)/rate(floor, median)
			vsFloor = fmt.Sprintf("%.2f× (%.2f×)", best, med)
			if m.target > 0 {
				verdict := "met"
				if best < m.target {
					verdict = "NOT met"
				}
				vsFloor += fmt.Sprintf(" target ≥ %.1f×: %s", m.target, verdict)
			}
		}
		fmt.Printf("%-20s %8.1f (%8.1f)     %-26s %.2f×\n", m.name, rate(m, slices.Min), rate(m, median), vsFloor, rate(m, slices.Min)/rate(goHash, slices.Min))
	}
	if lookErr == nil {
		fmt.Printf("\nfloor: %s; ", sha256sum)
	} else {
		fmt.Printf("\n")
	}
	fmt.Printf("every round, seconds:\n")
	for _, m := range ms {
		fmt.Printf("  %-20s %s\n", m.name, seconds(m.times))
	}
	return nil
}

// writeRandom writes n bytes of a ChaCha8 stream seeded with seed to path.
func writeRandom(path string, seed uint64, n int64) error {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := io.Copy(w, io.LimitReader(rand.NewChaCha8(s), n)); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func export(ctx context.Context, svc *evidence.Service, org attest.Organization, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := svc.Export(ctx, org, w); err != nil {
		f.Close()
		return fmt.Errorf("Service.Export: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// blobFiles lists the regular files under the filesystem store's sha256
// directory, sorted.
func blobFiles(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return err
	})
	slices.Sort(paths)
	return paths, err
}

// timeSHA256sum runs sha256sum once over every blob file and checks that each
// file hashes to its name.
func timeSHA256sum(ctx context.Context, bin string, paths []string) (time.Duration, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, paths...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("sha256sum: %v: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(paths) {
		return d, fmt.Errorf("sha256sum printed %d lines for %d files", len(lines), len(paths))
	}
	for _, line := range lines {
		sum, path, ok := strings.Cut(line, "  ")
		if !ok || sum != filepath.Base(path) {
			return d, fmt.Errorf("sha256sum: %q does not match its file name", line)
		}
	}
	return d, nil
}

// timeGoSHA256 hashes every blob file in turn with ledger.HashReader and
// checks that each hashes to its name.
func timeGoSHA256(paths []string) (time.Duration, error) {
	start := time.Now()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return 0, err
		}
		sum, _, err := ledger.HashReader(f)
		f.Close()
		if err != nil {
			return 0, err
		}
		if sum != filepath.Base(p) {
			return 0, fmt.Errorf("%s hashes to %s", p, sum)
		}
	}
	return time.Since(start), nil
}

func timeVerifyBundle(path string, pub ed25519.PublicKey, total int64) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	rep, err := ledger.VerifyBundle(f, info.Size(), pub)
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("ledger.VerifyBundle: %w", err)
	}
	if rep.Bytes != total {
		return d, fmt.Errorf("ledger.VerifyBundle re-hashed %d bytes, want %d", rep.Bytes, total)
	}
	return d, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mibps(n int64, d time.Duration) float64 { return float64(n) / (1 << 20) / d.Seconds() }

func seconds(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	var s []string
	for _, d := range ds {
		s = append(s, strconv.FormatFloat(d.Seconds(), 'f', 2, 64))
	}
	return strings.Join(s, " ")
}

// parseSize reads a size such as 2GiB, 512MiB or 1048576.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, errors.New("--size: want a size such as 2GiB or 256MiB, got " + strconv.Quote(s))
	}
	return n * mult, nil
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
