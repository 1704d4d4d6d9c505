package blob

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-hq/attest/store/storetest"
)

func newFS(t *testing.T) fixture {
	t.Helper()
	return newFSAt(t, t.TempDir())
}

func newFSAt(t *testing.T, dir string) fixture {
	t.Helper()
	s, err := Open(t.Context(), "file://"+filepath.ToSlash(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return fixture{store: s, temps: func(t *testing.T) []string { return fsTemps(t, dir) }}
}

func fsTemps(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, fsTempDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFSConformance(t *testing.T) {
	testConformance(t, newFS)
}

func TestFSLayoutAndModes(t *testing.T) {
	dir := t.TempDir()
	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sha, _, err := s.Put(t.Context(), strings.NewReader("evidence"), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sha256", sha[:2], sha[2:4], sha)
	fi, err := os.Lstat(file)
	if err != nil {
		t.Fatalf("blob is not at %s: %v", file, err)
	}
	if fi.Mode() != 0o600 {
		t.Errorf("%s has mode %v, want -rw-------", file, fi.Mode())
	}
	for _, d := range []string{"sha256", "tmp", "sha256/" + sha[:2], "sha256/" + sha[:2] + "/" + sha[2:4]} {
		fi, err := os.Stat(filepath.Join(dir, d))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %v, want drwx------", d, fi.Mode())
		}
	}
}

func TestFSRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	old := filepath.Join(dir, "tmp", "old.part")
	fresh := filepath.Join(dir, "tmp", "fresh.part")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	aged := time.Now().Add(-staleTemp - time.Minute)
	if err := os.Chtimes(old, aged, aged); err != nil {
		t.Fatal(err)
	}
	s, err = openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a temporary file older than %v survived openFS: %v", staleTemp, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("openFS removed a fresh temporary file, which another process may be writing: %v", err)
	}
}

// A symbolic link in the store is never followed: not where a blob should be,
// and not where a fan-out directory should be.
func TestFSRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("not evidence"), 0o600); err != nil {
		t.Fatal(err)
	}

	sha, _, err := s.Put(t.Context(), strings.NewReader("evidence"), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, blobName(sha))
	os.Remove(file)
	if err := os.Symlink(outside, file); err != nil {
		t.Fatal(err)
	}
	if rc, _, err := s.Open(t.Context(), sha); err == nil || errors.Is(err, ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Fatalf("Open of a blob that is a symbolic link: %v, want a refusal", err)
	}
	if _, err := s.Stat(t.Context(), sha); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("Stat of a blob that is a symbolic link: %v, want a refusal", err)
	}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("List reported a symbolic link as a blob: %v", got)
	}
	// Putting the content again replaces the link with the real blob.
	if _, _, err := s.Put(t.Context(), strings.NewReader("evidence"), sha, 0); err != nil {
		t.Fatal(err)
	}
	assertContent(t, s, sha, int64(len("evidence")))
	if b, _ := os.ReadFile(outside); string(b) != "not evidence" {
		t.Fatalf("the file outside the store was changed: %q", b)
	}

	// A fan-out directory that is a link to a directory outside the store.
	other := sha256hex("other")
	outDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(outDir, other[2:4]), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, other[2:4], other), []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outDir, filepath.Join(dir, "sha256", other[:2])); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(t.Context(), other); err == nil {
		t.Fatal("Open followed a symbolic link out of the store")
	}
	if got := list(t, s); len(got) != 1 {
		t.Fatalf("List = %v, want only the real blob", got)
	}
}

// A blob damaged on disk (here: truncated) is replaced by the next Put of its
// content, instead of being taken as already stored.
func TestFSRepairsDamagedBlob(t *testing.T) {
	dir := t.TempDir()
	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sha, _, err := s.Put(t.Context(), gen(1, 5000), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, blobName(sha)), 100); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Put(t.Context(), gen(1, 5000), sha, 0); err != nil {
		t.Fatal(err)
	}
	assertContent(t, s, sha, 5000)
}

// A full disk fails the Put with a message that names the store, and leaves
// nothing behind. The store is a 1 MiB tmpfs, which needs root or sudo
// (storetest.MountTmpfs).
func TestFSDiskFull(t *testing.T) {
	dir := t.TempDir()
	storetest.MountTmpfs(t, dir, "1m")
	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, err = s.Put(t.Context(), gen(1, 2*mib), "", 0)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Put of 2 MiB into a 1 MiB filesystem: %v, want ENOSPC", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "is full") {
		t.Fatalf("full-disk error %q does not say that the store %s is full", msg, dir)
	}
	t.Logf("error: %v", err)
	assertEmpty(t, fixture{store: s, temps: func(t *testing.T) []string { return fsTemps(t, dir) }})
	// The space is free again.
	if _, _, err := s.Put(t.Context(), gen(2, 100<<10), "", 0); err != nil {
		t.Fatalf("Put of 100 KiB after the failure: %v", err)
	}
}

// A process killed in the middle of a Put leaves only a temporary file, which
// a later openFS removes once it is stale. The Put runs in a child process (this
// test binary, re-run with ATTEST_BLOB_CRASH_DIR set) that is killed with
// SIGKILL while its reader is blocked.
func TestFSCrashMidPut(t *testing.T) {
	if dir := os.Getenv("ATTEST_BLOB_CRASH_DIR"); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFSCrashMidPut$")
	cmd.Env = append(os.Environ(), "ATTEST_BLOB_CRASH_DIR="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "writing\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s, err := openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{store: s, temps: func(t *testing.T) []string { return fsTemps(t, dir) }}
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("after a crash mid-Put, List = %v, want nothing", got)
	}
	temps := f.temps(t)
	if len(temps) != 1 {
		t.Fatalf("after a crash mid-Put, temporary files = %v, want the one being written", temps)
	}
	s.Close()
	aged := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(filepath.Join(dir, "tmp", temps[0]), aged, aged); err != nil {
		t.Fatal(err)
	}
	s, err = openFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	assertEmpty(t, fixture{store: s, temps: f.temps})
}

// crashChild puts 4 MiB and then blocks in the reader, after telling the
// parent, which kills it.
func crashChild(dir string) {
	s, err := openFS(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r := io.MultiReader(gen(1, 4*mib), readerFunc(func([]byte) (int, error) {
		fmt.Println("writing")
		time.Sleep(time.Hour)
		return 0, io.EOF
	}))
	s.Put(context.Background(), r, "", 0)
	os.Exit(3) // not reached
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func sha256hex(s string) string {
	b := sha256.Sum256([]byte(s))
	return hex.EncodeToString(b[:])
}

// TestFSBatchNamesAppearAtCommit: a batch's blobs are under their names only
// once it commits, whether it syncs the filesystem or each file, and a batch
// discarded before it commits leaves neither blobs nor temporary files.
func TestFSBatchNamesAppearAtCommit(t *testing.T) {
	for _, syncFS := range []bool{true, false} {
		t.Run(fmt.Sprintf("syncfs=%v", syncFS), func(t *testing.T) {
			if syncFS && !canSyncFS() {
				if runtime.GOOS != "linux" {
					t.Skip("no syncfs on " + runtime.GOOS)
				}
				t.Fatal("this kernel cannot sync a filesystem as a whole with its errors reported (Linux 5.8 or later)")
			}
			f := newFS(t)
			s := f.store.(*fsStore)
			b := &fsBatch{s: s, syncFS: syncFS}
			var shas []string
			for i := range 3 {
				sha, _, err := b.Put(t.Context(), gen(uint64(i), 5000), "", 0)
				if err != nil {
					t.Fatal(err)
				}
				shas = append(shas, sha)
			}
			if _, err := s.Stat(t.Context(), shas[0]); !errors.Is(err, ErrNotFound) {
				t.Fatalf("before Commit, Stat = %v; want ErrNotFound", err)
			}
			if err := b.Commit(t.Context()); err != nil {
				t.Fatal(err)
			}
			for _, sha := range shas {
				assertContent(t, s, sha, 5000)
			}
			assertNoTemps(t, f)

			d := &fsBatch{s: s, syncFS: syncFS}
			sha, _, err := d.Put(t.Context(), gen(9, 5000), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if left := f.temps(t); len(left) != 1 {
				t.Fatalf("a batch's blob before Commit: temporary files %v, want one", left)
			}
			d.Discard()
			assertNoTemps(t, f)
			if _, err := s.Stat(t.Context(), sha); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a discarded blob: Stat = %v; want ErrNotFound", err)
			}
		})
	}
	// A batch of one is put as Put puts it.
	if _, ok := NewBatch(newFS(t).store, 1).(eachBatch); !ok {
		t.Error("a batch of one blob is not put at once")
	}
}

// TestFSBatchKeepsItsFilesFresh: a batch's files waiting for Commit have
// their times refreshed as it goes on, so that a store opened meanwhile by
// another process does not take them for an interrupted Put's and remove
// them.
func TestFSBatchKeepsItsFilesFresh(t *testing.T) {
	dir := t.TempDir()
	f := newFSAt(t, dir)
	b := NewBatch(f.store, 3)
	if _, _, err := b.Put(t.Context(), gen(1, 100), "", 0); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleTemp)
	for _, name := range f.temps(t) {
		if err := os.Chtimes(filepath.Join(dir, fsTempDir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	defer func(d time.Duration) { touchPending = d }(touchPending)
	touchPending = -1
	if _, _, err := b.Put(t.Context(), gen(2, 100), "", 0); err != nil {
		t.Fatal(err)
	}
	other, err := openFS(dir) // another process starting on the same store
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	if err := b.Commit(t.Context()); err != nil {
		t.Fatalf("Commit after another opening of the store: %v", err)
	}
	assertContent(t, f.store, genSHA(1, 100), 100)
}

// TestFSBatchCommitsOnce: a Commit that failed (here a file removed from
// under it) fails again rather than report the batch durable, leaves no
// temporary file once discarded and no descriptor open; a committed batch
// takes no more Puts.
func TestFSBatchCommitsOnce(t *testing.T) {
	dir := t.TempDir()
	f := newFSAt(t, dir)
	b := NewBatch(f.store, 2).(*fsBatch)
	for i := range 3 {
		if _, _, err := b.Put(t.Context(), gen(uint64(i), 100), "", 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, b.pending[1].tmp)); err != nil {
		t.Fatal(err)
	}
	err := b.Commit(t.Context())
	if err == nil {
		t.Fatal("Commit with a file gone reported the batch stored")
	}
	if again := b.Commit(t.Context()); again != err {
		t.Fatalf("a second Commit: %v, want the first one's %v", again, err)
	}
	if b.dir != nil {
		t.Error("the directory is still open after a failed Commit")
	}
	b.Discard()
	assertNoTemps(t, f)

	ok := NewBatch(f.store, 2).(*fsBatch)
	if _, _, err := ok.Put(t.Context(), gen(7, 100), "", 0); err != nil {
		t.Fatal(err)
	}
	if err := ok.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := ok.Commit(t.Context()); err != nil {
		t.Fatalf("a second Commit of a committed batch: %v", err)
	}
	if ok.dir != nil {
		t.Error("the directory is still open after Commit")
	}
	if _, _, err := ok.Put(t.Context(), gen(8, 100), "", 0); err == nil {
		t.Error("a committed batch took another Put")
	}
	assertContent(t, f.store, genSHA(7, 100), 100)
}
