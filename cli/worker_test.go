package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/store/storetest"
)

func TestWorkerFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"worker", "extra"}, `unexpected argument "extra"`},
		{nil, []string{"worker", "--workers", "0"}, `--workers (ATTEST_WORKERS): want a whole number from 1 to 100, got "0"`},
		{map[string]string{"ATTEST_WORKERS": "many"}, []string{"worker"}, `--workers (ATTEST_WORKERS): want a whole number from 1 to 100, got "many"`},
		{nil, []string{"worker", "--shutdown-timeout", "-1s"}, "--shutdown-timeout (ATTEST_SHUTDOWN_TIMEOUT)"},
		{nil, []string{"worker", "--addr", "127.0.0.1:0"}, "flag provided but not defined: -addr"},
		{map[string]string{"ATTEST_JOBS": "sometimes"}, []string{"serve"}, `--jobs (ATTEST_JOBS): want true or false, got "sometimes"`},
		{nil, []string{"serve", "--workers", "101"}, "--workers (ATTEST_WORKERS)"},
	} {
		vars := map[string]string{"ATTEST_DATA_DIR": dir}
		for k, v := range c.vars {
			vars[k] = v
		}
		if r := runCLI(t, vars, "", c.args...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 and %q", c.vars, c.args, r.code, r.stderr, c.want)
		}
	}
}

// A worker appends to the ledger, so it needs the key serve creates: it never
// makes one of its own.
func TestWorkerNeedsTheSigningKey(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, map[string]string{"ATTEST_DATA_DIR": dir}, "", "worker")
	if r.code != 1 || !strings.Contains(r.stderr, "no ledger signing key") {
		t.Fatalf("worker without a key: %+v", r)
	}
}

func TestMigrateCreatesTheJobTables(t *testing.T) {
	dir := t.TempDir()
	if r := runCLI(t, map[string]string{"ATTEST_DATA_DIR": dir}, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	raw := storetest.Raw(t, "sqlite:"+filepath.Join(dir, "attest.db"))
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM river_job`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("river_job after migrate: %d, %v", n, err)
	}
}
