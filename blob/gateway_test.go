package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/attest-hq/attest/store/storetest"
)

// The S3 tests run against a real S3 server on loopback: versitygw, an S3
// gateway over a local directory. It is started once for the package (on the
// first test that needs it) and stopped by TestMain. It is not a module
// dependency; the tests look for its binary in ATTEST_VERSITYGW, then on PATH,
// then in GOPATH/bin.
const versitygwInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// Credentials of the gateway's root account. The AWS variables are set to
// them for the whole test binary, so the SDK's credential chain finds them
// first and never looks further (shared files, the instance metadata service).
const (
	testAccessKey = "attest-test-access"
	testSecretKey = "attest-test-secret-Zq8v"
	testRegion    = "us-east-1"
	testBucket    = "attest-blobs"
)

func TestMain(m *testing.M) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           testAccessKey,
		"AWS_SECRET_ACCESS_KEY":       testSecretKey,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_MAX_ATTEMPTS"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	gw.stop()
	os.Exit(code)
}

// gateway is the running versitygw.
type gateway struct {
	once     sync.Once
	skip     string // why there is no gateway: its binary is missing
	err      error  // why it did not start
	cmd      *exec.Cmd
	exited   chan error // receives cmd.Wait's result
	dir      string
	endpoint string // http://127.0.0.1:port
	client   *s3.Client
}

var gw gateway

// versitygw returns the running gateway, starting it on first use. When its
// binary is missing the test is skipped, or failed under ATTEST_TEST_STRICT=1.
func versitygw(t *testing.T) *gateway {
	t.Helper()
	gw.once.Do(gw.start)
	if gw.skip != "" {
		storetest.SkipOrFail(t, gw.skip)
	}
	if gw.err != nil {
		t.Fatalf("versitygw: %v", gw.err)
	}
	return &gw
}

func findVersitygw() (string, error) {
	if p := os.Getenv("ATTEST_VERSITYGW"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("ATTEST_VERSITYGW=%s: %v; install with: %s", p, err, versitygwInstall)
		}
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopath = strings.TrimSpace(string(out))
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "versitygw")
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("the S3 tests need the versitygw binary (in ATTEST_VERSITYGW, on PATH or in GOPATH/bin); install with: %s", versitygwInstall)
}

func (g *gateway) start() {
	bin, err := findVersitygw()
	if err != nil {
		g.skip = err.Error()
		return
	}
	g.dir, err = os.MkdirTemp("", "attest-versitygw-")
	if err != nil {
		g.err = err
		return
	}
	// The free port is found by listening and closing, so another process
	// can take it before versitygw does: try a few times.
	for range 3 {
		if g.err = g.run(bin); g.err == nil {
			break
		}
	}
	if g.err != nil {
		return
	}
	g.client = s3.New(s3.Options{
		BaseEndpoint: aws.String(g.endpoint),
		Region:       testRegion,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
	})
	if _, err := g.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		g.err = fmt.Errorf("creating bucket %s: %w", testBucket, err)
	}
}

// run starts versitygw on a free loopback port with the posix backend in
// g.dir, and waits until it answers HTTP.
func (g *gateway) run(bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()

	var out bytes.Buffer
	cmd := exec.Command(bin, "--port", addr, "--access", testAccessKey, "--secret", testSecretKey, "--region", testRegion, "--quiet", "posix", g.dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	setPdeathsig(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited at start (%v): %s", bin, err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("%s did not answer on %s within 15 s: %s", bin, addr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			g.cmd, g.exited, g.endpoint = cmd, exited, "http://"+addr
			return nil
		}
	}
}

func (g *gateway) stop() {
	if g.cmd != nil {
		g.cmd.Process.Kill()
		<-g.exited
	}
	if g.dir != "" {
		os.RemoveAll(g.dir)
	}
}

// url returns a store URL for a fresh prefix in the shared bucket, through
// endpoint (the gateway's, or a proxy's in front of it).
func (g *gateway) url(endpoint, prefix string) string {
	return fmt.Sprintf("s3://%s/%s?endpoint=%s&region=%s&path_style=true", testBucket, prefix, endpoint, testRegion)
}

func randomPrefix(t *testing.T) string {
	var b [6]byte
	rand.Read(b[:])
	return "t-" + hex.EncodeToString(b[:])
}

// keys lists the keys under prefix, whatever they are.
func (g *gateway) keys(t *testing.T, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	pages := s3.NewListObjectsV2Paginator(g.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(t.Context())
		if err != nil {
			t.Fatalf("listing %s: %v", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

func (g *gateway) createBucket(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(randomPrefix(t))
	if _, err := g.client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}
