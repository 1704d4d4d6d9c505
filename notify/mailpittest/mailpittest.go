// Package mailpittest runs a real SMTP server on loopback for tests: Mailpit,
// which accepts mail over SMTP (plain, STARTTLS or implicit TLS, with or
// without authentication) and shows what it received through a JSON API. Each
// test starts its own server, so tests never see each other's mail. Mailpit is
// not a module dependency: the tests look for its binary in ATTEST_MAILPIT,
// then mailpit on PATH, then in GOPATH/bin; .ci/run installs it.
package mailpittest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"go/build"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest/store/storetest"
)

// Install is how to get the server's binary.
const Install = "go install github.com/axllent/mailpit@v1.33.1"

// TLSMode is how the SMTP server protects its connections.
type TLSMode int

const (
	// NoTLS serves plain SMTP and offers no STARTTLS.
	NoTLS TLSMode = iota
	// StartTLS offers STARTTLS and refuses mail (and authentication) until
	// the client has used it.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte, as on port 465.
	ImplicitTLS
)

// Options shape the server a test starts.
type Options struct {
	// Auth requires authentication with Username and Password (PLAIN or
	// LOGIN); a wrong password is refused with 535. Without TLS, Mailpit
	// is told to allow plain-text passwords, which it otherwise refuses.
	Auth bool
	TLS  TLSMode
	// AllowedRecipients, a regular expression, makes the server refuse
	// every other recipient with 550, as a real server refuses an unknown
	// mailbox.
	AllowedRecipients string
	// Chaos lets the test make the server fail on purpose (SetChaos): a
	// 4xx or 5xx answer to MAIL FROM, RCPT TO or AUTH.
	Chaos bool
}

// Server is a running Mailpit.
type Server struct {
	SMTPHost string         // 127.0.0.1
	SMTPPort int            // the SMTP port, on SMTPHost
	APIURL   string         // http://127.0.0.1:port, the JSON API
	CA       *x509.CertPool // trusts the server's certificate; nil without TLS
	Username string         // with Options.Auth, the one account
	Password string

	cmd    *exec.Cmd
	exited chan error
	out    *syncBuffer
}

func find() (string, error) {
	if p := os.Getenv("ATTEST_MAILPIT"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("ATTEST_MAILPIT=%s: %v; install with: %s", p, err, Install)
		}
		return p, nil
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopath = strings.TrimSpace(string(out))
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "mailpit")
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("the email tests need Mailpit (in ATTEST_MAILPIT, or mailpit on PATH or in GOPATH/bin); install with: %s", Install)
}

// Start runs a Mailpit for this test and stops it when the test ends.
// Without its binary the test is skipped, or failed under ATTEST_TEST_STRICT=1.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin, err := find()
	if err != nil {
		storetest.SkipOrFail(t, err.Error())
	}
	dir := t.TempDir()
	s := &Server{SMTPHost: "127.0.0.1"}
	var args []string
	if o.TLS != NoTLS {
		cert, key := writeCertificate(t, dir)
		pool := x509.NewCertPool()
		pem, err := os.ReadFile(cert)
		if err != nil {
			t.Fatal(err)
		}
		pool.AppendCertsFromPEM(pem)
		s.CA = pool
		args = append(args, "--smtp-tls-cert", cert, "--smtp-tls-key", key)
		if o.TLS == StartTLS {
			args = append(args, "--smtp-require-starttls")
		} else {
			args = append(args, "--smtp-require-tls")
		}
	}
	if o.Auth {
		s.Username, s.Password = "attest", "pw-"+randomHex(t, 8)
		file := filepath.Join(dir, "smtp-users")
		// htpasswd format; Mailpit accepts plain-text passwords in it.
		if err := os.WriteFile(file, []byte(s.Username+":"+s.Password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--smtp-auth-file", file)
		if o.TLS == NoTLS {
			// Mailpit refuses a password over plain text unless told
			// otherwise; with TLS it must not be told (it refuses both).
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if o.AllowedRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", o.AllowedRecipients)
	}
	if o.Chaos {
		args = append(args, "--enable-chaos")
	}
	args = append(args,
		"--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check", // no looking for releases on the internet
		"--smtp-disable-rdns",     // no reverse DNS of 127.0.0.1 per message
		"--quiet",
	)
	// A free port is found by listening and closing, so another process can
	// take it first: try a few times.
	var last error
	for range 3 {
		if last = s.run(bin, args); last == nil {
			t.Cleanup(s.stop)
			return s
		}
	}
	t.Fatalf("mailpit: %v", last)
	return nil
}

// run starts Mailpit on two free loopback ports and waits until both its
// API and its SMTP port answer.
func (s *Server) run(bin string, args []string) error {
	smtpPort, err := freePort()
	if err != nil {
		return err
	}
	httpPort, err := freePort()
	if err != nil {
		return err
	}
	s.SMTPPort = smtpPort
	s.APIURL = "http://127.0.0.1:" + strconv.Itoa(httpPort)
	args = append([]string{
		"--smtp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(smtpPort)),
		"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
	}, args...)
	s.out = &syncBuffer{}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	setPdeathsig(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	c := &http.Client{Timeout: time.Second}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case err := <-s.exited:
			return fmt.Errorf("%s exited at start (%v): %s", bin, err, s.out.String())
		case <-deadline:
			s.stop()
			return fmt.Errorf("%s did not answer within 15 s: %s", bin, s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		res, err := c.Get(s.APIURL + "/readyz")
		if err != nil {
			continue
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			continue
		}
		// The SMTP listener starts beside the API, not before it.
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort)), time.Second)
		if err != nil {
			continue
		}
		conn.Close()
		return nil
	}
}

func (s *Server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		<-s.exited
		s.cmd = nil
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Summary is one message in the mailbox list.
type Summary struct {
	ID        string // Mailpit's own ID, for Message
	MessageID string // the Message-ID header, without angle brackets
	From      mail.Address
	To        []mail.Address
	Subject   string    // decoded
	Username  string    // who authenticated to send it, if anyone
	Snippet   string    // the start of the text
	Created   time.Time // when Mailpit received it
}

// Full is one message as Mailpit parsed it.
type Full struct {
	ID              string
	MessageID       string // without angle brackets
	From            mail.Address
	To              []mail.Address
	Subject         string // decoded
	Date            time.Time
	Text            string // the text/plain part, decoded
	HTML            string // the text/html part, decoded
	Username        string
	ListUnsubscribe struct {
		Header     string   // List-Unsubscribe as sent
		HeaderPost string   // List-Unsubscribe-Post as sent
		Links      []string // the links Mailpit found in it
		Errors     string   // what Mailpit thinks is wrong with it
	}
	// Headers are the raw headers, as sent (encoded words left encoded).
	Headers map[string][]string `json:"-"`
}

// Messages lists the mailbox, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var page struct {
		Messages []Summary `json:"messages"`
	}
	s.get(t, "/api/v1/messages?limit=1000", &page)
	return page.Messages
}

// Message returns one message with its raw headers.
func (s *Server) Message(t testing.TB, id string) Full {
	t.Helper()
	var m Full
	s.get(t, "/api/v1/message/"+url.PathEscape(id), &m)
	s.get(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &m.Headers)
	return m
}

// Raw returns one message as the server stored it: as received, with a
// Return-Path header added in front.
func (s *Server) Raw(t testing.TB, id string) []byte {
	t.Helper()
	return s.do(t, http.MethodGet, "/api/v1/message/"+url.PathEscape(id)+"/raw", nil)
}

// WaitFor waits until the mailbox holds at least n messages and returns
// them, newest first; the test fails if that takes longer than timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Summary {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		ms := s.Messages(t)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(end) {
			t.Fatalf("mailpit holds %d messages after %s, want %d", len(ms), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Clear deletes every message.
func (s *Server) Clear(t testing.TB) {
	t.Helper()
	s.do(t, http.MethodDelete, "/api/v1/messages", nil)
}

// Trigger makes the server answer ErrorCode (400 to 599) to a step of the
// conversation, with the given probability in percent (100: always).
type Trigger struct {
	ErrorCode   int
	Probability int
}

// Chaos is which steps fail. A zero Trigger never fires.
type Chaos struct {
	Sender         Trigger // MAIL FROM
	Recipient      Trigger // RCPT TO
	Authentication Trigger // AUTH
}

// SetChaos sets the failures of a server started with Options.Chaos.
func (s *Server) SetChaos(t testing.TB, c Chaos) {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodPut, "/api/v1/chaos", b)
}

func (s *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(s.do(t, http.MethodGet, path, nil), v); err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

func (s *Server) do(t testing.TB, method, path string, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequest(method, s.APIURL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("mailpit %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("mailpit %s %s: %v", method, path, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s %s answered %d: %s", method, path, res.StatusCode, b)
	}
	return b
}

// writeCertificate writes a self-signed certificate for 127.0.0.1, ::1 and
// localhost, and its key, into dir.
func writeCertificate(t testing.TB, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "mailpittest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "smtp.crt"), filepath.Join(dir, "smtp.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// syncBuffer collects the server's output, written by the process's copier
// goroutines and read when it fails to start.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
