package faults_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
)

// TestCrashDuringUploads kills the real server with SIGKILL while uploads
// stream in, then runs `attest verify` on what the crash left. The promise
// under test: never a row without its blob, never a blob counted as evidence
// without its row, and every upload that was acknowledged survives.
//
// The binary is built from this module, started on a fresh SQLite data
// directory, and fed through the API: eight 8 MiB uploads paced at about
// 1 MiB/s each (so the kill lands mid-stream) and three loops of small uploads
// that complete one after another (so the kill may also land between a blob's
// Put and its transaction's commit). After the kill nothing is restarted
// before `attest verify` runs; then the server is restarted, a killed upload
// is retried, and the install verifies again.
func TestCrashDuringUploads(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bin := buildAttest(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"

	attestCLI(t, bin, "", "org", "create", slug, "--name", "Acme", "--data-dir", data)
	attestCLI(t, bin, password+"\n", "user", "create", "--org", slug, "--email", email, "--role", "admin", "--password-stdin", "--data-dir", data)
	token, controlID := seedTokenAndControl(t, ctx, store.Options{DataDir: data}, slug, email)

	srv := startServe(t, bin, "--data-dir", data)
	api := &apiClient{base: srv.url, org: slug, token: token, control: controlID,
		http: &http.Client{Transport: &http.Transport{DisableCompression: true}}}
	t.Cleanup(api.http.CloseIdleConnections)

	// Large uploads, paced so that none can finish before the kill.
	const largeSize = 8 << 20
	large := make([]*upload, 8)
	for i := range large {
		large[i] = &upload{title: fmt.Sprintf("large-%d", i), filename: fmt.Sprintf("large-%d.bin", i), seed: uint64(i + 1), size: largeSize, pace: 62 * time.Millisecond}
	}
	var wg sync.WaitGroup
	for _, u := range large {
		wg.Go(func() { api.send(ctx, u) })
	}
	// Small uploads, back to back, until the server is gone.
	var (
		mu    sync.Mutex
		small []*upload
		acked atomic.Int32
	)
	for g := range 3 {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				u := &upload{title: fmt.Sprintf("small-%d-%d", g, n), filename: fmt.Sprintf("small-%d-%d.txt", g, n), seed: 1<<40 | uint64(g)<<32 | uint64(n), size: int64(4<<10 + (n%16)<<12)}
				api.send(ctx, u)
				mu.Lock()
				small = append(small, u)
				mu.Unlock()
				if u.ack == nil {
					return // the server is gone
				}
				acked.Add(1)
			}
		})
	}

	// Kill once every large upload is well under way and some small ones
	// have been acknowledged.
	deadline := time.Now().Add(15 * time.Second)
	for {
		ready := acked.Load() >= 6
		for _, u := range large {
			ready = ready && u.sent.Load() >= 1<<20
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			var errs []string
			mu.Lock()
			for _, u := range small {
				if u.err != nil {
					errs = append(errs, u.title+": "+u.err.Error())
				}
			}
			mu.Unlock()
			t.Fatalf("uploads did not get going within 15 s (%d small acknowledged; failures: %v); server log:\n%s", acked.Load(), errs, srv.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	srv.kill(t)
	wg.Wait()
	for _, u := range large {
		t.Logf("%s: %d of %d bytes sent when the server was killed; acknowledged: %v", u.title, u.sent.Load(), u.size, u.ack != nil)
	}
	t.Logf("%d small uploads acknowledged before the kill, %d sent", acked.Load(), len(small))

	// The kill landed mid-stream: the store holds temporary files of Puts
	// that never finished.
	parts, _ := filepath.Glob(filepath.Join(data, "blobs", "tmp", "*.part"))
	if len(parts) == 0 {
		t.Errorf("no temporary .part files in %s after the kill: the kill did not land mid-upload", filepath.Join(data, "blobs", "tmp"))
	}

	all := append(append([]*upload{}, large...), small...)
	out := attestCLI(t, bin, "", "verify", "--org", slug, "--data-dir", data)
	rows := checkCrashState(t, ctx, data, slug, all)
	checkVerifyOutput(t, out, slug, rows)

	// Restart and retry what the crash cut short: a large upload in full
	// (its .part file is abandoned, not resumed) and, when the crash left one,
	// an orphaned blob's content, which is how a user's retry meets it.
	srv = startServe(t, bin, "--data-dir", data)
	api.base = srv.url
	retries := []*upload{{title: "large-0 retried", filename: "large-0.bin", seed: large[0].seed, size: largeSize}}
	if orphan := firstOrphan(t, ctx, data); orphan != nil {
		retries = append(retries, orphan)
	}
	for _, u := range retries {
		api.send(ctx, u)
		if u.ack == nil {
			t.Fatalf("upload of %s after the restart failed: %v; server log:\n%s", u.title, u.err, srv.logs.String())
		}
		all = append(all, u)
	}
	srv.stop(t)
	out = attestCLI(t, bin, "", "verify", "--org", slug, "--data-dir", data)
	rows = checkCrashState(t, ctx, data, slug, all)
	checkVerifyOutput(t, out, slug, rows)
}

// checkCrashState holds the data directory to the promise, through the store
// rather than through verify: every row has a ledger entry and a blob that
// re-hashes to it; every acknowledged upload has its row; every blob under a
// final name is complete; a blob without a row is an orphan, which nothing
// counts. It returns the rows.
func checkCrashState(t *testing.T, ctx context.Context, data, slug string, uploads []*upload) []attest.Evidence {
	t.Helper()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{IncludeReplaced: true})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.LedgerEntries(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkpoints, err := db.Checkpoints(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(rows) {
		t.Errorf("%d ledger entries for %d evidence rows", len(entries), len(rows))
	}
	if n := len(entries); n > 0 && (len(checkpoints) == 0 || checkpoints[len(checkpoints)-1].Seq != entries[n-1].Seq) {
		t.Errorf("the ledger's head (entry %d) has no checkpoint", entries[n-1].Seq)
	}

	byUID, byTitle, referenced := map[string]attest.Evidence{}, map[string]attest.Evidence{}, map[string]bool{}
	for _, ev := range rows {
		byUID[ev.UID], byTitle[ev.Title], referenced[ev.SHA256] = ev, ev, true
		if ev.LedgerSeq == 0 {
			t.Errorf("evidence %s (%s) has no ledger entry", ev.UID, ev.Title)
		}
		if sha, n, err := rehashBlob(ctx, blobs, ev.SHA256); err != nil {
			t.Errorf("evidence %s (%s): a row without its blob: %v", ev.UID, ev.Title, err)
		} else if sha != ev.SHA256 || n != ev.Size {
			t.Errorf("evidence %s (%s): blob holds sha256 %s (%d bytes), the row says %s (%d bytes)", ev.UID, ev.Title, sha, n, ev.SHA256, ev.Size)
		}
	}
	unacked := 0
	for _, u := range uploads {
		ev, stored := byTitle[u.title]
		switch {
		case u.ack != nil && (!stored || ev.UID != u.ack.UID || ev.SHA256 != u.ack.SHA256 || ev.LedgerSeq != u.ack.LedgerSeq):
			t.Errorf("%s was acknowledged as %+v, but the database holds %+v (stored: %v)", u.title, *u.ack, ev, stored)
		case u.ack == nil && stored:
			unacked++ // committed, but the answer was lost with the process: allowed
		case stored && ev.Size != u.size:
			t.Errorf("%s: row of %d bytes for an upload of %d bytes", u.title, ev.Size, u.size)
		}
	}
	orphans := 0
	err = blobs.List(ctx, func(sha string, size int64) error {
		got, n, err := rehashBlob(ctx, blobs, sha)
		if err != nil || got != sha || n != size {
			t.Errorf("blob %s is not complete under its final name: sha256 %s, %d of %d bytes, %v", sha, got, n, size, err)
		}
		if !referenced[sha] {
			orphans++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d evidence rows (%d committed without an answer), %d ledger entries, %d orphaned blobs", len(rows), unacked, len(entries), orphans)
	return rows
}

func rehashBlob(ctx context.Context, blobs blob.Store, sha string) (string, int64, error) {
	rc, _, err := blobs.Open(ctx, sha)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	return ledger.HashReader(rc)
}

var verifyCounts = regexp.MustCompile(`: ok: (\d+) ledger entries, (\d+) evidence items, (\d+) blobs `)

// checkVerifyOutput checks that `attest verify` counted exactly the rows and
// their distinct blobs: orphans are not evidence.
func checkVerifyOutput(t *testing.T, out, slug string, rows []attest.Evidence) {
	t.Helper()
	m := verifyCounts.FindStringSubmatch(out)
	if !strings.HasPrefix(out, slug+": ok: ") || m == nil {
		t.Fatalf("attest verify printed %q, want %q", out, slug+": ok: …")
	}
	distinct := map[string]bool{}
	for _, ev := range rows {
		distinct[ev.SHA256] = true
	}
	want := []string{strconv.Itoa(len(rows)), strconv.Itoa(len(rows)), strconv.Itoa(len(distinct))}
	if got := m[1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("attest verify counted entries, evidence, blobs = %v, want %v: %s", got, want, out)
	}
}

// firstOrphan returns an upload of a blob no row refers to, or nil.
func firstOrphan(t *testing.T, ctx context.Context, data string) *upload {
	t.Helper()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.Open(ctx, "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	stop := errors.New("found")
	var orphan string
	err = blobs.List(ctx, func(sha string, _ int64) error {
		if ok, err := db.BlobReferenced(ctx, sha); err != nil {
			return err
		} else if !ok {
			orphan = sha
			return stop
		}
		return nil
	})
	if err != nil && err != stop {
		t.Fatal(err)
	}
	if orphan == "" {
		return nil
	}
	rc, _, err := blobs.Open(ctx, orphan)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	content, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("retrying the content of orphaned blob %s", orphan)
	return &upload{title: "orphan retried", filename: "orphan.bin", content: content, size: int64(len(content))}
}
