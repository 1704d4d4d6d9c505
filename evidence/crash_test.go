package evidence_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
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
	token, controlID := seedTokenAndControl(t, ctx, data, slug, email)

	srv := startServe(t, bin, data)
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
	srv = startServe(t, bin, data)
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

// upload is one evidence upload whose content is generated from seed.
type upload struct {
	title, filename string
	seed            uint64
	size            int64
	pace            time.Duration // pause between 64 KiB chunks; 0 streams at full speed
	content         []byte        // when set, sent instead of generated content

	sent atomic.Int64 // file bytes handed to the HTTP client
	ack  *uploadAck   // the 201 answer, when there was one
	err  error
}

type uploadAck struct {
	UID       string `json:"uid"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	LedgerSeq int64  `json:"ledger_seq"`
}

// reader returns the upload's content: a ChaCha8 stream of size bytes.
func (u *upload) reader() io.Reader {
	if u.content != nil {
		return bytes.NewReader(u.content)
	}
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], u.seed)
	return io.LimitReader(rand.NewChaCha8(seed), u.size)
}

type apiClient struct {
	base, org, token string
	control          int64
	http             *http.Client
}

// send streams u as the API's multipart form (fields first, the file last)
// and records the answer in u.ack or u.err.
func (c *apiClient) send(ctx context.Context, u *upload) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(func() error {
			for _, f := range [][2]string{{"kind", "file"}, {"title", u.title}, {"control", strconv.FormatInt(c.control, 10)}} {
				if err := mw.WriteField(f[0], f[1]); err != nil {
					return err
				}
			}
			fw, err := mw.CreateFormFile("file", u.filename)
			if err != nil {
				return err
			}
			r, buf := u.reader(), make([]byte, 64<<10)
			for {
				n, rerr := io.ReadFull(r, buf)
				if n > 0 {
					if _, err := fw.Write(buf[:n]); err != nil {
						return err
					}
					u.sent.Add(int64(n))
				}
				if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
					break
				}
				if rerr != nil {
					return rerr
				}
				if u.pace > 0 {
					select {
					case <-time.After(u.pace):
					case <-ctx.Done():
						return ctx.Err()
					}
				}
			}
			return mw.Close()
		}())
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/api/v1/orgs/"+c.org+"/evidence", pr)
	if err != nil {
		u.err = err
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		u.err = err
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		u.err = err
		return
	}
	if resp.StatusCode != http.StatusCreated {
		u.err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		return
	}
	var ack uploadAck
	if err := json.Unmarshal(body, &ack); err != nil {
		u.err = err
		return
	}
	u.ack = &ack
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

var verifyOK = regexp.MustCompile(`: ok: (\d+) ledger entries, (\d+) evidence items, (\d+) blobs `)

// checkVerifyOutput checks that `attest verify` counted exactly the rows and
// their distinct blobs: orphans are not evidence.
func checkVerifyOutput(t *testing.T, out, slug string, rows []attest.Evidence) {
	t.Helper()
	m := verifyOK.FindStringSubmatch(out)
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

// seedTokenAndControl gives the admin an API token and the organization a
// control, straight through the store: the CLI has no command for either.
func seedTokenAndControl(t *testing.T, ctx context.Context, data, slug, email string) (string, int64) {
	t.Helper()
	db, err := store.Open(ctx, store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	secret := auth.NewSecret("atk_")
	tok := attest.APIToken{OrgID: org.ID, UserID: user.ID, Name: "crash test", Prefix: secret[:12]}
	if err := db.CreateToken(ctx, &tok, auth.HashSecret(secret)); err != nil {
		t.Fatal(err)
	}
	return secret, storetest.MustControl(t, db, org, "AC-2", attest.StatusImplemented).ID
}

// buildAttest builds ./cmd/attest into the test's temporary directory. Only
// one test uses it, so there is nothing to share between tests; with
// -count=N each run builds again (go's build cache makes that a link).
func buildAttest(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "attest")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/attest")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/attest: %v\n%s", err, b)
	}
	return out
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// childEnv is the test's environment without ATTEST_* settings, so that only
// the flags given configure the child.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATTEST_") {
			env = append(env, kv)
		}
	}
	return env
}

// killWithParent has the kernel kill the child if the test binary dies
// without running its cleanups (a panic, a -timeout), where the platform can
// (Linux's Pdeathsig); elsewhere it does nothing.
func killWithParent(cmd *exec.Cmd) {
	attr := &syscall.SysProcAttr{}
	if f := reflect.ValueOf(attr).Elem().FieldByName("Pdeathsig"); f.IsValid() && f.Type() == reflect.TypeOf(syscall.Signal(0)) {
		f.Set(reflect.ValueOf(syscall.SIGKILL))
	}
	cmd.SysProcAttr = attr
}

// attestCLI runs the binary to completion and requires exit status 0.
func attestCLI(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killWithParent(cmd)
	if err := cmd.Run(); err != nil {
		t.Fatalf("attest %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// serveProc is a running `attest serve`.
type serveProc struct {
	cmd  *exec.Cmd
	url  string
	logs *lockedBuffer
	done chan struct{} // closed once the process has been waited for
}

// startServe starts `attest serve` on a port the kernel picks and waits until
// it is ready. The URL comes from its "serving" log line.
func startServe(t *testing.T, bin, data string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", data, "--log-format", "json")
	cmd.Env = childEnv()
	killWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serveProc{cmd: cmd, logs: &lockedBuffer{}, done: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.logs.WriteLine(sc.Text())
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" && line.URL != "" {
				select {
				case urls <- line.URL:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	select {
	case s.url = <-urls:
	case <-s.done:
		t.Fatalf("attest serve exited before serving:\n%s", s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("attest serve did not log its address within 30 s:\n%s", s.logs.String())
	}
	probe := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := probe.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("attest serve at %s is not ready after 10 s (%v):\n%s", s.url, err, s.logs.String())
		}
	}
}

// kill sends SIGKILL: no shutdown, no deferred cleanup, no flush.
func (s *serveProc) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
}

// stop asks for a graceful shutdown and waits for it.
func (s *serveProc) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("attest serve did not stop within 30 s of an interrupt:\n%s", s.logs.String())
	}
}

// lockedBuffer collects log lines from a goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
	b.buf.WriteByte('\n')
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
