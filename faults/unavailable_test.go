package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

// TestDatabaseUnreachable runs the real binary against PostgreSQL through a
// proxy the test cuts: while the database is away, the API answers 503 with
// the code "unavailable" and a Retry-After, pages say so, readiness fails,
// an upload is refused whole and the command line exits 75; once it is
// back, the same server answers again without a restart, every upload it
// acknowledged is there, and the ledger verifies.
func TestDatabaseUnreachable(t *testing.T) {
	ctx := t.Context()
	direct := storetest.URL(t, store.Postgres)
	viaProxy, proxy := storetest.ThroughProxy(t, direct)
	bin := buildAttest(t)
	dir := t.TempDir()
	const slug, email, password = "acme", "ada@acme.test", "correct-horse-battery"
	attestCLI(t, bin, "", "migrate", "--database-url", direct, "--data-dir", dir)
	attestCLI(t, bin, "", "org", "create", slug, "--name", "Acme", "--database-url", direct, "--data-dir", dir)
	attestCLI(t, bin, password+"\n", "user", "create", "--org", slug, "--email", email, "--role", "admin", "--password-stdin", "--database-url", direct, "--data-dir", dir)
	token, controlID := seedTokenAndControl(t, ctx, store.Options{URL: direct}, slug, email)
	srv := startServe(t, bin, "--jobs=false", "--database-url", viaProxy, "--data-dir", dir)
	client := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	api := &apiClient{base: srv.url, org: slug, token: token, control: controlID, http: client}
	get := func(path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	var acked []*upload
	before := &upload{title: "before", filename: "a.bin", seed: 1, size: 4 << 10}
	api.send(ctx, before)
	if before.ack == nil {
		t.Fatalf("an upload with the database up: %v\n%s", before.err, srv.logs.String())
	}
	acked = append(acked, before)

	proxy.Cut()
	resp, body := get("/api/v1/orgs/" + slug + "/controls")
	var apiErr struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal([]byte(body), &apiErr)
	if resp.StatusCode != http.StatusServiceUnavailable || apiErr.Error.Code != "unavailable" || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(apiErr.Error.Message, "cannot be reached") || strings.Contains(body, "127.0.0.1") {
		t.Fatalf("the API without its database: %d %s (Retry-After %q)", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if resp, _ := get("/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readiness without the database: %d", resp.StatusCode)
	}
	if resp, body := get("/o/"+slug, "Authorization", "", "Cookie", "attest_session=not-a-session"); resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(body, "cannot be reached") {
		t.Fatalf("a page without the database: %d %.500s", resp.StatusCode, body)
	}
	during := &upload{title: "during", filename: "b.bin", seed: 2, size: 4 << 10}
	api.send(ctx, during)
	if during.ack != nil || during.err == nil || !strings.Contains(during.err.Error(), "503") {
		t.Fatalf("an upload without the database: ack %+v, %v", during.ack, during.err)
	}
	cli := exec.CommandContext(ctx, bin, "audit", "list", "--org", slug, "--database-url", viaProxy, "--data-dir", dir)
	cli.Env = childEnv()
	out, err := cli.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 75 || !strings.Contains(string(out), "cannot be reached") {
		t.Fatalf("the command line without the database: %v\n%s", err, out)
	}

	proxy.Restore()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, body := get("/api/v1/orgs/" + slug + "/controls")
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API after the database came back: %d %s\n%s", resp.StatusCode, body, srv.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	after := &upload{title: "after", filename: "c.bin", seed: 3, size: 4 << 10}
	api.send(ctx, after)
	if after.ack == nil {
		t.Fatalf("an upload after the database came back: %v", after.err)
	}
	acked = append(acked, after)
	srv.stop(t)

	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	checkAcknowledged(t, short, store.Options{URL: direct, DataDir: dir}, "", slug, acked)
	out2 := attestCLI(t, bin, "", "verify", "--org", slug, "--database-url", direct, "--data-dir", dir)
	checkVerified(t, out2, slug)
}
