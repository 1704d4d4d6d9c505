package aws_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

// TestProxyFromTheEnvironment: with HTTP_PROXY set, every call (S3
// Control's account-prefixed host included) goes through the proxy, here
// the local AWS itself answering absolute-form requests for a host that
// resolves nowhere. net/http reads the proxy variables once per process, so
// the collection runs in a child process of the test binary.
func TestProxyFromTheEnvironment(t *testing.T) {
	if os.Getenv("ATTEST_AWS_PROXY_CHILD") == "1" {
		req := attest.CollectRequest{Settings: map[string]string{"regions": "us-east-1,eu-west-1"}, Secret: []byte("AKIAIOSFODNN7EXAMPLE:secret"), Now: now}
		col, err := connector().Collect(t.Context(), req)
		if err != nil || len(col.Failed) != 0 || len(col.Resources) != 46 {
			t.Fatalf("through the proxy: %v, failed %v, %d resources", err, col.Failed, len(col.Resources))
		}
		return
	}
	srv := start(t, nil)
	cmd := exec.Command(os.Args[0], "-test.run=^TestProxyFromTheEnvironment$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ATTEST_AWS_PROXY_CHILD=1", "HTTP_PROXY="+srv.URL, "NO_PROXY=",
		"AWS_ENDPOINT_URL=http://aws.proxied.invalid")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if n := len(srv.Scenario.Requests()); n < 20 {
		t.Errorf("the proxy saw %d requests", n)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Errorf("child output: %s", out)
	}
}
