package faults_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/attest-hq/attest/blob"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

const (
	gwAccess = "attest-faults-access"
	gwSecret = "attest-faults-secret-Zq8v"
	gwBucket = "attest-faults"
)

// startVersitygw starts an S3 gateway (versitygw over a temporary directory)
// on a free loopback port with one bucket, and returns its endpoint. Without
// the binary the test is skipped, or failed under ATTEST_TEST_STRICT=1, as in
// blob's tests.
func startVersitygw(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("ATTEST_VERSITYGW")
	if bin == "" {
		bin = "versitygw"
		if _, err := exec.LookPath(bin); err != nil {
			out, _ := exec.Command("go", "env", "GOPATH").Output()
			bin = filepath.Join(string(bytes.TrimSpace(out)), "bin", "versitygw")
		}
	}
	if _, err := exec.LookPath(bin); err != nil {
		storetest.SkipOrFail(t, "the two-node test needs the versitygw binary (in ATTEST_VERSITYGW, on PATH or in GOPATH/bin); install with: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out lockedBuffer
	cmd := exec.Command(bin, "--port", addr, "--access", gwAccess, "--secret", gwSecret, "--region", "us-east-1", "--quiet", "posix", t.TempDir())
	cmd.Stdout, cmd.Stderr = &lineWriter{&out}, &lineWriter{&out}
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(endpoint + "/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s within 15 s: %s", addr, out.String())
		}
	}
	client := s3.New(s3.Options{BaseEndpoint: aws.String(endpoint), Region: "us-east-1", UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(gwAccess, gwSecret, "")})
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(gwBucket)}); err != nil {
		t.Fatalf("creating bucket %s: %v", gwBucket, err)
	}
	// The servers (children) and this test find the gateway's credentials
	// in the environment, and nothing else of AWS's.
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": gwAccess, "AWS_SECRET_ACCESS_KEY": gwSecret,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": ""} {
		t.Setenv(k, v)
	}
	return endpoint
}

type lineWriter struct{ b *lockedBuffer }

func (w *lineWriter) Write(p []byte) (int, error) { w.b.WriteLine(string(p)); return len(p), nil }

// TestTwoNodesOneDatabase runs two `attest serve` processes on one
// PostgreSQL database and one S3 bucket, with their own data directories and
// ports and the same keys, and uploads to both at once for one
// organization. Afterwards the ledger is one chain (no two entries share a
// sequence number, every entry links to the one before), `attest verify`
// passes from either node's view, every acknowledged upload is there, an API
// token works on both nodes, and the head witnessed in the bucket is the
// chain's head: two nodes writing heads must not move it back.
func TestTwoNodesOneDatabase(t *testing.T) {
	ctx := t.Context()
	dbURL := storetest.URL(t, store.Postgres)
	endpoint := startVersitygw(t)
	blobURL := fmt.Sprintf("s3://%s/two-nodes?endpoint=%s&region=us-east-1&path_style=true", gwBucket, endpoint)
	bin := buildAttest(t)

	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	dataA, dataB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	shared := []string{"--database-url", dbURL, "--blob-url", blobURL,
		"--signing-key", filepath.Join(keys, "ledger-ed25519.key"), "--secret-key-file", filepath.Join(keys, "secrets-aes256.key")}
	flagsA := append([]string{"--data-dir", dataA}, shared...)
	flagsB := append([]string{"--data-dir", dataB}, shared...)

	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"
	attestCLI(t, bin, "", append([]string{"migrate"}, flagsA[:4]...)...)
	attestCLI(t, bin, "", append([]string{"org", "create", slug, "--name", "Acme"}, flagsA[:4]...)...)
	attestCLI(t, bin, password+"\n", append([]string{"user", "create", "--org", slug, "--email", email, "--role", "admin", "--password-stdin"}, flagsA[:4]...)...)
	token, controlID := seedTokenAndControl(t, ctx, store.Options{URL: dbURL}, slug, email)

	a := startServe(t, bin, append([]string{"--jobs=false"}, flagsA...)...) // creates the keys
	b := startServe(t, bin, append([]string{"--jobs=false"}, flagsB...)...)
	nodes := []*serveProc{a, b}

	var (
		mu  sync.Mutex
		all []*upload
		wg  sync.WaitGroup
	)
	const writers, each = 3, 15
	for n, srv := range nodes {
		api := &apiClient{base: srv.url, org: slug, token: token, control: controlID, http: &http.Client{}}
		t.Cleanup(api.http.CloseIdleConnections)
		for g := range writers {
			wg.Go(func() {
				for i := range each {
					u := &upload{title: fmt.Sprintf("node%d-w%d-%d", n, g, i), filename: "f.bin", seed: uint64(n<<20 | g<<10 | i), size: int64(1<<10 + (i%8)<<12)}
					api.send(ctx, u)
					mu.Lock()
					all = append(all, u)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	for _, u := range all {
		if u.ack == nil {
			t.Errorf("%s was refused: %v", u.title, u.err)
		}
	}
	if t.Failed() {
		t.Fatalf("node A:\n%s\nnode B:\n%s", a.logs.String(), b.logs.String())
	}

	// The token works on both nodes (sessions and tokens are rows in the
	// shared database), for both nodes' uploads.
	for i, srv := range nodes {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.url+"/api/v1/orgs/"+slug+"/evidence", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("node %d answered the token with %d", i, resp.StatusCode)
		}
	}
	a.stop(t)
	b.stop(t)

	checkAcknowledged(t, ctx, store.Options{URL: dbURL, DataDir: dataA}, blobURL, slug, all)
	for _, flags := range [][]string{flagsA, flagsB} {
		// verify takes no --secret-key-file: drop the last flag and its value.
		out := attestCLI(t, bin, "", append([]string{"verify", "--org", slug}, flags[:len(flags)-2]...)...)
		checkVerified(t, out, slug)
	}

	// The witness in the bucket is the chain's head, not an older one that a
	// slower node wrote after a faster one.
	db, err := store.Open(ctx, store.Options{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org, err := db.OrgBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.LedgerHead(ctx, org.ID)
	if err != nil || head == nil {
		t.Fatalf("ledger head: %v %v", head, err)
	}
	if head.Seq != int64(len(all)) {
		t.Errorf("the chain ends at entry %d after %d acknowledged uploads", head.Seq, len(all))
	}
	bs, err := blob.Open(ctx, blobURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	for _, hs := range chain.Stores("", bs) {
		saved, err := hs.Head(ctx, slug)
		if err != nil || saved == nil {
			t.Fatalf("head in %v: %v %v", hs, saved, err)
		}
		if saved.Seq != head.Seq {
			t.Errorf("the head witnessed in %v is entry %d, the chain's head is entry %d: a node moved the witness back", hs, saved.Seq, head.Seq)
		}
	}
}
