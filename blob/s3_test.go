package blob

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// newS3 opens a store on a fresh prefix of the gateway's bucket.
func newS3(t *testing.T) fixture {
	t.Helper()
	g := versitygw(t)
	prefix := randomPrefix(t)
	s, err := Open(t.Context(), g.url(g.endpoint, prefix), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return fixture{store: s, temps: func(t *testing.T) []string { return g.keys(t, testBucket, prefix+"/tmp/") }}
}

func TestS3Conformance(t *testing.T) {
	testConformance(t, newS3)
}

func TestS3Layout(t *testing.T) {
	g := versitygw(t)
	prefix := randomPrefix(t)
	s, err := Open(t.Context(), g.url(g.endpoint, prefix+"/"), "")
	if err != nil {
		t.Fatal(err)
	}
	sha, _, err := s.Put(t.Context(), strings.NewReader("evidence"), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := prefix + "/sha256/" + sha[:2] + "/" + sha
	if keys := g.keys(t, testBucket, prefix+"/"); len(keys) != 1 || keys[0] != want {
		t.Fatalf("keys = %v, want [%s]", keys, want)
	}
	if got := s.String(); !strings.Contains(got, "s3://"+testBucket+"/"+prefix+"/") || !strings.Contains(got, g.endpoint) {
		t.Errorf("String() = %q, want the bucket, the prefix and the endpoint", got)
	}
}

// Without a prefix the layout starts at the bucket's root, and List skips
// keys that are not blobs.
func TestS3NoPrefix(t *testing.T) {
	g := versitygw(t)
	bucket := g.createBucket(t)
	s, err := Open(t.Context(), "s3://"+bucket+"?region="+testRegion+"&path_style=true&endpoint="+g.endpoint, "")
	if err != nil {
		t.Fatal(err)
	}
	sha, _, err := s.Put(t.Context(), gen(1, 3000), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"notes.txt", "sha256/zz/" + sha, "sha256/" + sha, "sha256/" + sha[:2] + "/" + sha + ".bak"} {
		if _, err := g.client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if got := list(t, s); len(got) != 1 || got[sha] != 3000 {
		t.Fatalf("List = %v, want only %s", got, sha)
	}
	assertContent(t, s, sha, 3000)
}

// An object damaged in the bucket (here: the wrong size) is replaced by the
// next Put of its content.
func TestS3RepairsDamagedObject(t *testing.T) {
	g := versitygw(t)
	f := newS3(t)
	sha := genSHA(1, 5000)
	key := f.store.(*s3Store).key(sha)
	if _, err := g.client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: &key, Body: strings.NewReader("truncated")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Put(t.Context(), gen(1, 5000), sha, 0); err != nil {
		t.Fatal(err)
	}
	assertContent(t, f.store, sha, 5000)
}

// A server that refuses connections fails Open with an error that names it.
// This needs no gateway. Retries are off to keep it short: with the SDK's
// default of 3 attempts, Open fails after 1 to 6 s of back-off.
func TestS3Unreachable(t *testing.T) {
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	_, err = Open(t.Context(), "s3://evidence?endpoint=http://"+addr+"&region="+testRegion, "")
	if err == nil {
		t.Fatalf("Open of a store on a closed port succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "http://"+addr) || !strings.Contains(msg, "cannot reach") {
		t.Fatalf("error %q does not say that %s cannot be reached", msg, addr)
	}
	t.Logf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
}

func TestS3MissingBucket(t *testing.T) {
	g := versitygw(t)
	_, err := Open(t.Context(), "s3://no-such-bucket?path_style=true&endpoint="+g.endpoint, "")
	if err == nil || !strings.Contains(err.Error(), "no-such-bucket") {
		t.Fatalf("Open of a missing bucket: %v, want an error naming it", err)
	}
}

// A wrong secret fails Open, and no message shows the secret. Not parallel:
// it changes the environment.
func TestS3WrongSecretIsNotShown(t *testing.T) {
	g := versitygw(t)
	const wrong = "wrong-secret-4f9c2a"
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
	_, err := Open(t.Context(), g.url(g.endpoint, "x"), "")
	if err == nil {
		t.Fatal("Open with a wrong secret succeeded")
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatalf("error shows the secret: %v", err)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	s, err := Open(t.Context(), g.url(g.endpoint, "x"), "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.String(), testSecretKey) || strings.Contains(s.String(), testAccessKey) {
		t.Fatalf("String() shows credentials: %s", s)
	}
}

// The server goes away in the middle of a multipart upload: the Put fails
// with an error naming the endpoint, and once the server is back nothing
// half-written is under sha256/ (nor under tmp/), and the same content can be
// put again. The server "goes away" by a proxy in front of it closing its
// listener and every connection after 12 MiB have gone through; it "comes
// back" as a second proxy. The SDK's retries are turned off to keep the test
// short: with them (3 attempts, the default) the Put fails after about 13 s.
func TestS3ServerGoneMidUpload(t *testing.T) {
	g := versitygw(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	target := strings.TrimPrefix(g.endpoint, "http://")
	prefix := randomPrefix(t)
	p := newCutProxy(t, target, 12*mib)
	s, err := Open(t.Context(), g.url("http://"+p.addr(), prefix), "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 40 * mib
	start := time.Now()
	_, _, err = s.Put(t.Context(), gen(20, n), "", 0)
	if err == nil {
		t.Fatal("Put succeeded although the server went away mid-upload")
	}
	if !strings.Contains(err.Error(), p.addr()) {
		t.Fatalf("error %q does not name the endpoint %s", err, p.addr())
	}
	t.Logf("Put failed after %v: %v", time.Since(start).Round(time.Millisecond), err)

	back := newCutProxy(t, target, -1)
	s2, err := Open(t.Context(), g.url("http://"+back.addr(), prefix), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := list(t, s2); len(got) != 0 {
		t.Fatalf("after the failed Put, List = %v, want nothing", got)
	}
	if keys := g.keys(t, testBucket, prefix+"/"); len(keys) != 0 {
		t.Fatalf("after the failed Put, keys = %v, want none", keys)
	}
	// The transfer manager could not abort its multipart upload either; the
	// bucket's lifecycle rule is what removes such uploads. Abort them here.
	ups, err := g.client.ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket), Prefix: aws.String(prefix + "/")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("incomplete multipart uploads left: %d", len(ups.Uploads))
	for _, u := range ups.Uploads {
		g.client.AbortMultipartUpload(t.Context(), &s3.AbortMultipartUploadInput{Bucket: aws.String(testBucket), Key: u.Key, UploadId: u.UploadId})
	}
	sha, size, err := s2.Put(t.Context(), gen(20, n), "", 0)
	if err != nil || sha != genSHA(20, n) || size != n {
		t.Fatalf("Put once the server is back = %s, %d, %v", sha, size, err)
	}
	assertContent(t, s2, sha, n)
}

// cutProxy forwards TCP connections to target. Once more than after bytes
// (after >= 0) have gone upstream, it closes its listener and every
// connection, as a server that crashed would, so that new connections are
// refused.
type cutProxy struct {
	ln     net.Listener
	target string
	after  int64
	sent   atomic.Int64

	mu    sync.Mutex
	conns []net.Conn
	cut   bool
}

func newCutProxy(t *testing.T, target string, after int64) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, after: after}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c, up) {
			return
		}
		go io.Copy(c, up)
		go p.upstream(up, c)
	}
}

// track remembers the connections, or closes them if the proxy is closed.
func (p *cutProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// upstream copies from the client, counting, until the limit is passed.
func (p *cutProxy) upstream(up, c net.Conn) {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if p.after >= 0 && p.sent.Add(int64(n)) > p.after {
				p.close()
				return
			}
			if _, err := up.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			up.Close()
			return
		}
	}
}

func (p *cutProxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
