// Command bundle measures how `attest verify FILE.zip --pubkey KEY` holds up
// against hostile bundles, as time and peak memory beside a valid bundle
// verified in the same run.
//
//	go run ./bench/bundle                 # the full set; bombs compress, so about 60 MiB of disk at a time
//	go run ./bench/bundle --items 10000   # a smaller floor
//
// It generates, in a temporary directory:
//
//   - the floor: a valid bundle of --items evidence items, each with its own
//     small file, recorded by as many ledger entries and signed;
//   - a newline bomb: a valid bundle whose ledger.jsonl is 255 MiB of newlines;
//   - inflated files: index.json, ledger.jsonl and checkpoints.json each
//     --inflate of filler, deflated to a few MiB;
//   - files at their limits: the three files filled with copies of valid
//     values to just under their limits, so that all three are decoded whole;
//   - one evidence ID with 10,000, 40,000 and 80,000 versions, all recorded and
//     signed (a valid bundle: the shape that once took quadratic time);
//   - deep JSON (index.json opening millions of arrays) and a huge JSON string
//     (one item with 60 MiB of notes);
//   - many members: 190,000 blob files no evidence names, and a central
//     directory of 700,000 one-letter names.
//
// Each bundle is verified by ledger.VerifyBundle in a child process (this
// program, re-run), so that its peak memory is the child's maximum resident
// set size, read from the operating system. It prints, for each bundle, its
// size, the verification's wall time and peak memory, each beside the floor,
// and the outcome. The goal is peak memory under 256 MiB for every bundle, and
// times that follow the bundle's real content, not what it claims. Everything
// is removed at the end.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest/ledger"
)

const org = "acme"

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func main() {
	child := flag.String("verify", "", "verify this bundle and exit (how the program runs its children)")
	pubkey := flag.String("pubkey", "", "the public key, for --verify")
	items := flag.Int("items", 50_000, "evidence items in the valid bundle that is the floor")
	inflate := flag.Int64("inflate", 1<<30, "bytes each inflated file expands to")
	dir := flag.String("dir", "", "where to create the temporary directory (default: the system's temporary directory)")
	flag.Parse()
	if *child != "" {
		os.Exit(verify(*child, *pubkey))
	}
	tmp, err := os.MkdirTemp(*dir, "attest-bench-bundle-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	if err := run(tmp, *items, *inflate); err != nil {
		os.RemoveAll(tmp)
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench/bundle:", err)
	os.Exit(1)
}

// verify is the child: it verifies one bundle and prints the outcome, then its
// peak memory.
func verify(path, key string) int {
	defer printPeak()
	pub, err := ledger.ParsePublicKey(key)
	if err != nil {
		fmt.Println("bad key:", err)
		return 2
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return 2
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		fmt.Println(err)
		return 2
	}
	debug.SetMemoryLimit(ledger.VerifyMemoryLimit) // as the command does
	rep, err := ledger.VerifyBundle(f, info.Size(), pub)
	if err != nil {
		fmt.Println("refused:", err)
		return 1
	}
	fmt.Printf("ok: %d entries, %d evidence items\n", rep.Entries, rep.Evidence)
	return 0
}

// printPeak prints the process's peak resident set size (VmHWM), the last
// line the parent reads. The rusage the parent gets from wait4 would not do:
// on Linux a child's ru_maxrss includes the parent's memory at the fork, which
// here holds the bundles being generated.
func printPeak() {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("\npeak %s\n", strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
}

type result struct {
	name    string
	size    int64
	elapsed time.Duration
	rss     int64 // bytes
	outcome string
}

func run(tmp string, items int, inflate int64) error {
	g := newGen()
	base, err := g.bundleBytes(g.valid(5)) // a small valid bundle whose files the bombs replace
	if err != nil {
		return err
	}
	type bench struct {
		name  string
		build func(path string) error
	}
	benches := []bench{
		{fmt.Sprintf("valid, %d items (floor)", items), func(p string) error { return g.writeFile(p, g.valid(items)) }},
		{"newline bomb: ledger.jsonl of 255 MiB of newlines", func(p string) error {
			return rewrite(p, base, map[string]filler{"ledger.jsonl": repeat("\n", 255<<20)})
		}},
		{fmt.Sprintf("inflated: 3 files of %d MiB each", inflate>>20), func(p string) error {
			return rewrite(p, base, map[string]filler{
				"index.json":       prefixed(`{"format":"attest-bundle-v2","org":"`, repeat("a", inflate)),
				"ledger.jsonl":     repeat("a", inflate),
				"checkpoints.json": prefixed("[", repeat(" ", inflate)),
			})
		}},
		{"at the limits: 3 files of copies of valid values", func(p string) error { return g.atLimits(p, base) }},
	}
	for _, n := range []int{10_000, 40_000, 80_000} {
		benches = append(benches, bench{fmt.Sprintf("one evidence ID, %d versions (valid)", n), func(p string) error { return g.writeFile(p, g.versions(n)) }})
	}
	benches = append(benches,
		bench{"deep JSON: index.json opens 60 Mi arrays", func(p string) error {
			return rewrite(p, base, map[string]filler{"index.json": prefixed(`{"format":"attest-bundle-v2","org":`, repeat("[", 60<<20))})
		}},
		bench{"huge string: 60 MiB of notes in one item", func(p string) error { return g.hugeString(p, base) }},
		bench{"all at once: files at their limits and 190,000 blobs", func(p string) error {
			if err := g.atLimits(p, base); err != nil {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return manyMembers(p, data, 190_000, true)
		}},
		bench{"many members: 190,000 blobs no evidence names", func(p string) error { return manyMembers(p, base, 190_000, true) }},
		bench{"directory bomb: 700,000 one-letter names", func(p string) error { return manyMembers(p, base, 700_000, false) }},
	)

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var results []result
	for i, b := range benches {
		path := filepath.Join(tmp, fmt.Sprintf("bundle-%d.zip", i))
		if err := b.build(path); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		cmd := exec.Command(exe, "--verify", path, "--pubkey", ledger.EncodePublicKey(g.pub))
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err = cmd.Run()
		elapsed := time.Since(start)
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			return err
		}
		outcome, peak, _ := strings.Cut(strings.TrimSpace(out.String()), "\npeak ")
		kib, err := strconv.ParseInt(peak, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: the verifier reported no peak memory (VmHWM is Linux only): %s", b.name, out.String())
		}
		rss := kib << 10
		if len(outcome) > 110 {
			outcome = outcome[:110] + "…"
		}
		results = append(results, result{b.name, info.Size(), elapsed, rss, outcome})
		os.Remove(path)
		r := results[len(results)-1]
		fmt.Printf("%-52s %9s  %8.2fs %6.2f×  %8s %6.2f×  %s\n", r.name, mib(r.size), r.elapsed.Seconds(), r.elapsed.Seconds()/results[0].elapsed.Seconds(),
			mib(r.rss), float64(r.rss)/float64(results[0].rss), r.outcome)
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// gen makes signed bundles for one organization.
type gen struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newGen() *gen {
	seed := sha256.Sum256([]byte("bench/bundle"))
	priv := ed25519.NewKeyFromSeed(seed[:])
	return &gen{priv.Public().(ed25519.PublicKey), priv}
}

type plan struct {
	b     ledger.Bundle
	files map[string][]byte
}

// item is an evidence item whose record is shaped as the evidence package
// shapes it.
func item(id, notes string, data []byte, at time.Time) ledger.BundleEvidence {
	sum := sha256.Sum256(data)
	ev := ledger.BundleEvidence{
		ID: id, Title: "Review", Kind: "file", MediaType: "text/plain", Filename: "f.txt",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), CollectedAt: at, Controls: []string{"IAM-1"},
		Source: "upload", Notes: notes,
	}
	rec := map[string]any{
		"type": "evidence", "org": org, "uid": ev.ID, "kind": ev.Kind, "title": ev.Title, "source": ev.Source, "url": "",
		"filename": ev.Filename, "media_type": ev.MediaType, "sha256": ev.SHA256, "size": ev.Size,
		"collected_at": ledger.FormatTime(ev.CollectedAt), "notes": ev.Notes, "supersedes": "", "controls": ev.Controls,
	}
	var err error
	if ev.RecordHash, ev.Record, err = ledger.HashRecord(rec); err != nil {
		panic(err)
	}
	return ev
}

// build records the items in a chain and signs its head.
func (g *gen) build(evs []ledger.BundleEvidence, files map[string][]byte) plan {
	b := ledger.Bundle{Org: org, GeneratedAt: t0.Add(time.Hour), PublicKey: ledger.EncodePublicKey(g.pub), Evidence: evs}
	var prev *ledger.Entry
	for _, ev := range evs {
		e := ledger.Next(prev, org, ledger.RecordTypeEvidence, ev.ID, ev.RecordHash, ev.CollectedAt)
		b.Entries = append(b.Entries, e)
		prev = &b.Entries[len(b.Entries)-1]
	}
	b.Checkpoints = []ledger.Checkpoint{ledger.Sign(g.priv, org, *prev, b.GeneratedAt)}
	return plan{b, files}
}

// valid is n items, each with its own 512-byte file.
func (g *gen) valid(n int) plan {
	files := map[string][]byte{}
	var evs []ledger.BundleEvidence
	for i := range n {
		data := fmt.Appendf(bytes.Repeat([]byte{'.'}, 500), "%012d", i)
		ev := item(fmt.Sprint(1000+i), "", data, t0.Add(time.Duration(i)*time.Second))
		files[ev.SHA256] = data
		evs = append(evs, ev)
	}
	return g.build(evs, files)
}

// versions is n versions of one evidence item, sharing one file.
func (g *gen) versions(n int) plan {
	data := []byte("the same file\n")
	var evs []ledger.BundleEvidence
	var sha string
	for i := range n {
		ev := item("1000", fmt.Sprintf("version %d", i), data, t0.Add(time.Duration(i)*time.Second))
		sha = ev.SHA256
		evs = append(evs, ev)
	}
	return g.build(evs, map[string][]byte{sha: data})
}

func (g *gen) bundleBytes(p plan) ([]byte, error) {
	var buf bytes.Buffer
	err := ledger.WriteBundle(&buf, p.b, func(sha string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(p.files[sha])), nil
	})
	return buf.Bytes(), err
}

func (g *gen) writeFile(path string, p plan) error {
	data, err := g.bundleBytes(p)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// filler writes a file's replacement content.
type filler func(w io.Writer) error

func repeat(s string, n int64) filler {
	return func(w io.Writer) error {
		chunk := []byte(strings.Repeat(s, (1<<20)/len(s)))
		for n > 0 {
			k := min(int64(len(chunk)), n)
			if _, err := w.Write(chunk[:k]); err != nil {
				return err
			}
			n -= k
		}
		return nil
	}
}

func prefixed(prefix string, rest filler) filler {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, prefix); err != nil {
			return err
		}
		return rest(w)
	}
}

// copies writes prefix, then item (with sep between copies) until the next copy
// would pass limit bytes in all, then suffix.
func copies(prefix, item, sep, suffix string, limit int64) filler {
	var b strings.Builder
	b.WriteString(prefix)
	for int64(b.Len()+len(item)+len(sep)+len(suffix)) < limit {
		if b.Len() > len(prefix) {
			b.WriteString(sep)
		}
		b.WriteString(item)
	}
	b.WriteString(suffix)
	return func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err }
}

// rewrite writes base to path, replacing the named files, deflated at the best
// compression (the attacker's choice).
func rewrite(path string, base []byte, replace map[string]filler) error {
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, f := range zr.File {
		if fill, ok := replace[f.Name]; ok {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
			if err == nil {
				err = fill(w)
			}
			if err != nil {
				return err
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

// member returns one file of a zip.
func member(data []byte, name string) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	f, err := zr.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), err
}

// atLimits fills the three files with copies of their first value, each to just
// under its limit, so that verification decodes all three whole before it finds
// the duplicates.
func (g *gen) atLimits(path string, base []byte) error {
	idx, err := member(base, "index.json")
	if err != nil {
		return err
	}
	led, err := member(base, "ledger.jsonl")
	if err != nil {
		return err
	}
	cps, err := member(base, "checkpoints.json")
	if err != nil {
		return err
	}
	start := strings.Index(idx, `"evidence":[`) + len(`"evidence":[`) + 1
	ev := idx[start : start+strings.Index(idx[start:], "\n")]
	ev = strings.TrimSuffix(ev, ",")
	entry := led[:strings.Index(led, "\n")+1]
	cp := strings.TrimSuffix(strings.Split(cps, "\n")[1], ",")
	limitItems := min(int64(ledger.MaxItems)*int64(len(ev)+2), ledger.MaxIndexSize)
	return rewrite(path, base, map[string]filler{
		"index.json":       copies(idx[:start], ev, ",\n", "],\"records\":[]}\n", limitItems-1024),
		"ledger.jsonl":     copies("", entry, "", "", min(int64(ledger.MaxEntries)*int64(len(entry)), ledger.MaxLedgerSize)-1024),
		"checkpoints.json": copies("[\n", cp, ",\n", "]\n", min(int64(ledger.MaxCheckpoints)*int64(len(cp)+2), ledger.MaxCheckpointsSize)-1024),
	})
}

// hugeString is the small bundle with one more item whose notes are 60 MiB.
func (g *gen) hugeString(path string, base []byte) error {
	idx, err := member(base, "index.json")
	if err != nil {
		return err
	}
	start := strings.Index(idx, `"evidence":[`) + len(`"evidence":[`) + 1
	return rewrite(path, base, map[string]filler{"index.json": func(w io.Writer) error {
		if _, err := io.WriteString(w, idx[:start]+`{"id":"9","notes":"`); err != nil {
			return err
		}
		if err := repeat("n", 60<<20)(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `"},`+"\n"+idx[start:])
		return err
	}})
}

// manyMembers is the small bundle with n more files: well-named blobs that no
// evidence names, or empty files with one-letter names (the smallest entries a
// central directory can hold).
func manyMembers(path string, base []byte, n int, blobs bool) error {
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	for i := range n {
		name := "a"
		if blobs {
			sum := sha256.Sum256(fmt.Append(nil, i))
			sha := hex.EncodeToString(sum[:])
			name = "blobs/sha256/" + sha[:2] + "/" + sha
		}
		if _, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store}); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}
