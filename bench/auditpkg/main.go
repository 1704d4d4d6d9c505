// Command auditpkg measures how fast Attest writes an audit's export package,
// as a ratio to `zip -0` over the same files in the same run.
//
//	go run ./bench/auditpkg                             # 20,000 items, 2 GiB
//	go run ./bench/auditpkg --items 2000 --size 512MiB  # a quick run
//
// It adds --items evidence items of random data totalling --size through
// evidence.Service (SQLite and a filesystem blob store in a temporary
// directory), all collected today, and then, --rounds times, alternating
// which goes first:
//
//   - the floor: the system's `zip -0` (stored, no compression) over the blob
//     files themselves, written to a file in the same directory;
//   - programme.AuditPackages.Export of a Type 2 package for the last three
//     months to a file (what `attest audit export` does): the index, every
//     file once under blobs/ and the ledger segment, a bundle that holds every
//     file again.
//
// It prints the best and median of each, the ratio of throughputs (floor
// time / export time) and the export's peak heap, sampled every 10 ms, beside
// the total size: the files are streamed, so the heap follows the number of
// items, not their bytes. Without zip in PATH the floor is archive/zip with
// Store over the same files, and the program says so. Everything is removed
// at the end.
package main

import (
	"archive/zip"
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

func main() {
	items := flag.Int("items", 20_000, "evidence items")
	size := flag.String("size", "2GiB", "their total size (MiB or GiB)")
	rounds := flag.Int("rounds", 3, "timed rounds of each")
	dir := flag.String("dir", "", "where to create the temporary directory (default: the system's)")
	flag.Parse()
	total, err := parseSize(*size)
	if err == nil {
		err = run(*items, total, *rounds, *dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/auditpkg:", err)
		os.Exit(1)
	}
}

func run(items int, total int64, rounds int, parent string) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp(parent, "attest-bench-auditpkg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db, err := store.Open(ctx, store.Options{URL: "sqlite:" + filepath.Join(tmp, "attest.db")})
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
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	cat, err := catalog.Load()
	if err != nil {
		return err
	}
	org := attest.Organization{Slug: "bench", Name: "Bench"}
	if err := db.CreateOrg(ctx, &org); err != nil {
		return err
	}
	ctl := attest.Control{OrgID: org.ID, Ref: "BEN-1", Name: "Benchmark", Family: "Bench", Type: "preventive", Frequency: "quarterly",
		Status: attest.StatusImplemented, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.1", Source: attest.SourceLibrary}}}
	if err := db.CreateControl(ctx, &ctl); err != nil {
		return err
	}
	svc := &evidence.Service{DB: db, Blobs: blobs, Key: key, MaxSize: total, Catalog: cat}
	fmt.Printf("attest bench/auditpkg: %d items, %s, %d rounds, %s %s/%s, %d CPUs\nworking in %s\n\n",
		items, ledger.FormatSize(total), rounds, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), tmp)

	rng := rand.NewChaCha8([32]byte{1}) // an io.Reader of random bytes: evidence does not compress
	per := total / int64(items)
	start := time.Now()
	for i := range items {
		n := per
		if i == items-1 {
			n = total - per*int64(items-1)
		}
		_, err := svc.Add(ctx, evidence.New{Org: org, Actor: attest.Actor{Label: "bench", Via: attest.ViaCLI}, Kind: attest.KindFile,
			Title: fmt.Sprintf("item %d", i), Filename: fmt.Sprintf("item-%05d.bin", i), ControlIDs: []int64{ctl.ID}}, io.LimitReader(rng, n))
		if err != nil {
			return fmt.Errorf("adding item %d: %w", i, err)
		}
	}
	fmt.Printf("added %d items in %s\n", items, time.Since(start).Round(time.Millisecond))

	var paths []string
	err = filepath.WalkDir(filepath.Join(tmp, "blobs", "sha256"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(paths) != items {
		return fmt.Errorf("found %d blob files, want %d", len(paths), items)
	}

	pkgs := programme.AuditPackages{DB: db, Catalog: cat, Evidence: svc}
	today := time.Now().UTC()
	in := auditpkg.Input{Type: auditpkg.Type2, From: today.AddDate(0, -3, 0).Format(attest.DateLayout), To: today.Format(attest.DateLayout)}
	out := filepath.Join(tmp, "out.zip")
	zipBin, lookErr := exec.LookPath("zip")
	floorName := "zip -0"
	if lookErr != nil {
		floorName = "archive/zip Store"
		fmt.Println("zip is not in PATH: the floor is archive/zip with Store over the same files")
	}
	floor := func() (time.Duration, error) {
		os.Remove(out)
		start := time.Now()
		var err error
		if lookErr == nil {
			cmd := exec.Command(zipBin, "-0", "-q", "-j", out, "-@")
			cmd.Stdin = strings.NewReader(strings.Join(paths, "\n") + "\n")
			cmd.Stderr = os.Stderr
			err = cmd.Run()
		} else {
			err = storeZip(out, paths)
		}
		return time.Since(start), err
	}
	var peak atomic.Uint64
	var written int64
	export := func() (time.Duration, error) {
		os.Remove(out)
		runtime.GC()
		stop := make(chan struct{})
		go sampleHeap(&peak, stop)
		start := time.Now()
		f, err := os.Create(out)
		if err != nil {
			return 0, err
		}
		_, err = pkgs.Export(ctx, attest.SystemPrincipal(org.ID, "bench", attest.ViaCLI), in, f)
		if err == nil {
			err = f.Sync()
		}
		f.Close()
		d := time.Since(start)
		close(stop)
		if info, serr := os.Stat(out); serr == nil {
			written = info.Size()
		}
		return d, err
	}
	var floors, exports []time.Duration
	type timed struct {
		run  func() (time.Duration, error)
		into *[]time.Duration
	}
	for r := range rounds {
		order := []timed{{floor, &floors}, {export, &exports}}
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, t := range order {
			d, err := t.run()
			if err != nil {
				return err
			}
			*t.into = append(*t.into, d)
		}
	}
	bf, be := slices.Min(floors), slices.Min(exports)
	fmt.Printf("\n%-18s best %8.1f MiB/s  median %8.1f MiB/s  rounds %s\n", floorName, mibps(total, bf), mibps(total, median(floors)), secs(floors))
	fmt.Printf("%-18s best %8.1f MiB/s  median %8.1f MiB/s  rounds %s\n", "audit export", mibps(total, be), mibps(total, median(exports)), secs(exports))
	fmt.Printf("package: %s written for %s of evidence (files under blobs/ and again in the ledger segment)\n", ledger.FormatSize(written), ledger.FormatSize(total))
	fmt.Printf("export peak heap: %s\n", ledger.FormatSize(int64(peak.Load())))
	ratio := bf.Seconds() / be.Seconds()
	verdict := "below"
	if ratio >= 0.5 {
		verdict = "meets"
	}
	fmt.Printf("\nratio audit export / %s (throughput, best rounds): %.2f× — %s the 0.5× target\n", floorName, ratio, verdict)
	// The floor's rounds write the same path: export once more, then cut it.
	if _, err := export(); err != nil {
		return err
	}
	return resumeRound(ctx, pkgs, attest.SystemPrincipal(org.ID, "bench", attest.ViaCLI), in, out, be)
}

// resumeRound cuts the package at out in half, as an export killed midway
// leaves it, and times the export resumed from it beside the best fresh one.
func resumeRound(ctx context.Context, pkgs programme.AuditPackages, p attest.Principal, in auditpkg.Input, out string, fresh time.Duration) error {
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	earlier := out + ".resume"
	if err := os.Rename(out, earlier); err != nil {
		return err
	}
	defer os.Remove(earlier)
	if err := os.Truncate(earlier, info.Size()/2); err != nil {
		return err
	}
	from, err := os.Open(earlier)
	if err != nil {
		return err
	}
	defer from.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	sum, err := pkgs.ExportWith(ctx, p, in, programme.ExportOptions{Resume: &auditpkg.Resume{From: from, Size: info.Size() / 2}}, f)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Printf("resumed from the package cut in half: %s, %d of %d files (%s) copied from it; %.2f× the time of the best fresh export\n",
		secs([]time.Duration{d}), sum.Reused, sum.Files, ledger.FormatSize(sum.ReusedBytes), d.Seconds()/fresh.Seconds())
	return nil
}

func storeZip(out string, paths []string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, p := range paths {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.Base(p), Method: zip.Store})
		if err != nil {
			return err
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Sync()
}

func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var m runtime.MemStats
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		runtime.ReadMemStats(&m)
		if m.HeapInuse > peak.Load() {
			peak.Store(m.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

func mibps(n int64, d time.Duration) float64 { return float64(n) / (1 << 20) / d.Seconds() }

func secs(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, strconv.FormatFloat(d.Seconds(), 'f', 2, 64)+"s")
	}
	return strings.Join(parts, " ")
}

func parseSize(s string) (int64, error) {
	for suffix, mult := range map[string]int64{"GiB": 1 << 30, "MiB": 1 << 20} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v <= 0 {
				return 0, fmt.Errorf("--size %q: want a positive number of MiB or GiB", s)
			}
			return v * mult, nil
		}
	}
	return 0, fmt.Errorf("--size %q: want MiB or GiB, e.g. 512MiB", s)
}
