package faults_test

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// The harness: the real binary, started and killed as a process, and fed
// through the API.

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

// seedTokenAndControl gives the admin an API token and the organization a
// control, straight through the store: the CLI has no command for either.
func seedTokenAndControl(t *testing.T, ctx context.Context, opts store.Options, slug, email string) (string, int64) {
	t.Helper()
	db, err := store.Open(ctx, opts)
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

// buildAttest returns ./cmd/attest built for these tests: once per test
// binary (a link of some seconds each time even with go's build cache warm,
// and every test here wants the same binary), into a directory TestMain
// removes.
func buildAttest(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			built.err = err
			return
		}
		if built.dir, err = os.MkdirTemp("", "attest-faults-"); err != nil {
			built.err = err
			return
		}
		path := filepath.Join(built.dir, "attest")
		cmd := exec.Command("go", "build", "-o", path, "./cmd/attest")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./cmd/attest: %v\n%s", err, b)
			return
		}
		built.path = path
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

var built struct {
	once      sync.Once
	dir, path string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
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

// serveProc is a running `attest serve` or `attest worker`.
type serveProc struct {
	cmd  *exec.Cmd
	url  string // serve's; empty for a worker
	logs *lockedBuffer
	done chan struct{} // closed once the process has been waited for
}

// startServe starts `attest serve` on a port the kernel picks, with the
// settings flags given, and waits until it is ready. The URL comes from its
// "serving" log line.
func startServe(t *testing.T, bin string, flags ...string) *serveProc {
	t.Helper()
	s := startProc(t, bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, flags...), "serving")
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

// startWorker starts `attest worker` with the settings flags given and waits
// until it logs that it runs jobs.
func startWorker(t *testing.T, bin string, flags ...string) *serveProc {
	t.Helper()
	return startProc(t, bin, append([]string{"worker", "--log-format", "json"}, flags...), "worker running jobs")
}

// startProc starts the binary with args, collects its JSON log lines, and
// returns once it logs ready (with its "url", if the line has one). The test's
// end kills it.
func startProc(t *testing.T, bin string, args []string, ready string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, args...)
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
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == ready {
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
		t.Fatalf("attest %s exited before logging %q:\n%s", args[0], ready, s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("attest %s did not log %q within 30 s:\n%s", args[0], ready, s.logs.String())
	}
	return s
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
		t.Fatalf("attest %s did not stop within 30 s of an interrupt:\n%s", s.cmd.Args[1], s.logs.String())
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

// newInstall makes a data directory (with a fresh PostgreSQL database for
// d == Postgres), creates organization slug ("Acme") and its admin email
// with password through the command line, and returns the settings flags
// that name the install and the store options that open it.
func newInstall(t *testing.T, bin string, d store.Dialect, slug, email, password string) ([]string, store.Options) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	flags := []string{"--data-dir", data}
	opts := store.Options{DataDir: data}
	if d == store.Postgres {
		opts.URL = storetest.URL(t, d)
		flags = append(flags, "--database-url", opts.URL)
	}
	attestCLI(t, bin, "", append([]string{"org", "create", slug, "--name", "Acme"}, flags...)...)
	attestCLI(t, bin, password+"\n", append([]string{"user", "create", "--org", slug, "--email", email, "--role", "admin", "--password-stdin"}, flags...)...)
	return flags, opts
}
