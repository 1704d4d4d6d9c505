package faults_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestDiskFull runs the real binary on SQLite with its data directory on a
// small file system of its own, and fills that file system under the running
// server: reads still answer; an upload is refused whole with 503, the code
// "unavailable" and a message that says the disk is full; a small database
// write is either kept or refused the same way, never answered 500. Once space
// is freed, the same server takes uploads and writes again without a restart,
// everything it acknowledged is there, and the ledger verifies.
//
// Mounting the file system (tmpfs) needs root, or sudo without a password:
// without either the test is skipped, or failed under ATTEST_TEST_STRICT=1.
func TestDiskFull(t *testing.T) {
	ctx := t.Context()
	mnt := t.TempDir()
	storetest.MountTmpfs(t, mnt, "48m")
	bin := buildAttest(t)
	data := filepath.Join(mnt, "data")
	flags := []string{"--data-dir", data}
	opts := store.Options{DataDir: data}
	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"
	attestCLI(t, bin, "", append([]string{"org", "create", slug, "--name", "Acme"}, flags...)...)
	attestCLI(t, bin, password+"\n", append([]string{"user", "create", "--org", slug, "--email", email, "--role", "admin", "--password-stdin"}, flags...)...)
	token, controlID := seedTokenAndControl(t, ctx, opts, slug, email)
	srv := startServe(t, bin, append([]string{"--jobs=false"}, flags...)...)
	client := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	api := &apiClient{base: srv.url, org: slug, token: token, control: controlID, http: client}
	get := func(path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	var uploads []*upload
	var tasks []*taskWrite
	send := func(u *upload) *upload {
		api.send(ctx, u)
		uploads = append(uploads, u)
		return u
	}
	write := func(title string) *taskWrite {
		tk := &taskWrite{title: title}
		api.createTask(ctx, tk)
		tasks = append(tasks, tk)
		return tk
	}
	if u := send(&upload{title: "before", filename: "a.bin", seed: 1, size: 256 << 10}); u.ack == nil {
		t.Fatalf("an upload with space to spare: %v\n%s", u.err, srv.logs.String())
	}

	filler := filepath.Join(mnt, "filler")
	fill(t, filler)

	if code, body := get("/api/v1/orgs/" + slug + "/controls"); code != http.StatusOK {
		t.Errorf("a read on a full disk: %d %.300s", code, body)
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("readiness on a full disk: %d (the database still answers reads)", code)
	}
	full := send(&upload{title: "during", filename: "b.bin", seed: 2, size: 256 << 10})
	if full.ack != nil {
		t.Fatalf("an upload on a full disk was acknowledged: %+v", *full.ack)
	}
	wantDiskFull(t, "an upload on a full disk", full.err)
	// A small write may still fit in the database's journal, which keeps
	// the space it once had; if it does not, it is refused the same way.
	if tk := write("written on a full disk"); tk.err != nil {
		wantDiskFull(t, "a task on a full disk", tk.err)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// Space is back: the same server takes writes again, without a restart.
	var after *upload
	deadline := time.Now().Add(20 * time.Second)
	for i := 3; ; i++ {
		after = send(&upload{title: fmt.Sprintf("after %d", i), filename: "c.bin", seed: uint64(i), size: 256 << 10})
		if after.ack != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("an upload after space was freed: %v\n%s", after.err, srv.logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if tk := write("written after space was freed"); tk.err != nil {
		t.Fatalf("a task after space was freed: %v", tk.err)
	}
	srv.stop(t)

	checkAcknowledged(t, ctx, opts, "", slug, uploads)
	checkTasks(t, ctx, opts, slug, tasks)
	checkVerified(t, attestCLI(t, bin, "", append([]string{"verify", "--org", slug}, flags...)...), slug)
}

// fill writes name until the file system holding it has no space left.
func fill(t *testing.T, name string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if errors.Is(err, syscall.ENOSPC) {
					break
				}
				t.Fatalf("filling the disk: %v", err)
			}
		}
	}
}

// wantDiskFull requires err to be the API's answer for a full disk: 503,
// code "unavailable", saying so in words, naming no path.
func wantDiskFull(t *testing.T, what string, err error) {
	t.Helper()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	status, body, _ := strings.Cut(msg, ": ")
	var apiErr struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal([]byte(body), &apiErr)
	if status != "status 503" || apiErr.Error.Code != "unavailable" || !strings.Contains(apiErr.Error.Message, "disk holding Attest's data is full") ||
		strings.Contains(body, "/data") {
		t.Errorf("%s: %s, want 503 unavailable saying the disk is full", what, msg)
	}
}
