package cli

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

// probe is a small real connector for the commands: its check answers from
// the credential it receives.
type probe struct{}

func (probe) Spec() attest.ConnectorSpec {
	return attest.ConnectorSpec{Type: "probe", Title: "Probe", SecretLabel: "Probe token",
		Settings: []attest.SettingSpec{{Key: "org", Label: "Organization", Help: "the organization's login", Required: true}}}
}

func (probe) Check(_ context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	switch string(req.Secret) {
	case "good-token":
		return attest.CheckResult{OK: true, Identity: "bot@" + req.Settings["org"]}, nil
	case "limited-token":
		return attest.CheckResult{OK: true, Identity: "bot", Missing: []string{"administration:read", "members:read"}}, nil
	}
	return attest.CheckResult{}, errors.New("401 Bad credentials")
}

func (probe) Collect(context.Context, attest.CollectRequest) (attest.Collection, error) {
	return attest.Collection{}, nil
}

func runWithConnectors(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] },
		connectors: connector.New(probe{}), passwords: auth.TestParams}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

func TestConnectionCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ATTEST_DATA_DIR": dir}
	run := func(stdin string, args ...string) result { return runWithConnectors(t, vars, stdin, args...) }
	run("", "org", "create", "acme", "--name", "Acme")
	add := []string{"connection", "add", "--org", "acme", "--type", "probe", "--name", "gh", "--set", "org=acme", "--secret-stdin"}

	if r := run("good-token\n", add...); r.code != 1 || !strings.Contains(r.stderr, "no secret key at "+filepath.Join(dir, "keys")) {
		t.Fatalf("before serve made the key: %+v", r)
	}
	keyPath := secret.KeyFilePath(dir, "")
	if r := run("", "secrets", "rotate"); r.code != 1 || !strings.Contains(r.stderr, "no secret key at "+keyPath) {
		t.Fatalf("rotate before serve made the key: %+v", r)
	}
	if _, err := os.Stat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("rotate without a key file made one: %v", err)
	}
	first, _, err := secret.LoadFile(keyPath, true) // what serve does on first start
	if err != nil {
		t.Fatal(err)
	}

	if r := run("", add[:len(add)-1]...); r.code != 2 || !strings.Contains(r.stderr, "--secret-stdin") {
		t.Errorf("no credential and no terminal: %+v", r)
	}
	if r := run("good-token\n", append(add[:8:8], "--set", "org=acme", "--set", "token=x", "--secret-stdin")...); r.code != 1 || !strings.Contains(r.stderr, "--set token=…") {
		t.Errorf("unknown setting: %+v", r)
	}
	if r := run("good-token\n", "connection", "add", "--org", "acme", "--type", "probe", "--name", "gh", "--secret-stdin"); r.code != 1 || !strings.Contains(r.stderr, "--set org=…: is required") {
		t.Errorf("missing setting: %+v", r)
	}
	if r := run("good-token\n", "connection", "add", "--org", "acme", "--type", "gitlab", "--name", "gh", "--secret-stdin"); r.code != 1 || !strings.Contains(r.stderr, "--type") {
		t.Errorf("unknown type: %+v", r)
	}
	if r := run("good-token\n", add...); r.code != 0 || !strings.Contains(r.stdout, "added the Probe connection gh to acme") {
		t.Fatalf("add: %+v", r)
	}
	if r := run("good-token\n", add...); r.code != 1 || !strings.Contains(r.stderr, "already has a connection named") {
		t.Errorf("add twice: %+v", r)
	}
	limited := append([]string{}, add...)
	limited[7] = "limited"
	if r := run("limited-token", append(limited, "--interval", "15")...); r.code != 0 {
		t.Fatalf("add limited: %+v", r)
	}

	r := run("", "connection", "list", "--org", "acme")
	if r.code != 0 || !strings.Contains(r.stdout, "gh ") || !strings.Contains(r.stdout, "limited") || !strings.Contains(r.stdout, "15m") ||
		!strings.Contains(r.stdout, "never checked") || strings.Contains(r.stdout, "token") {
		t.Fatalf("list: %+v", r)
	}
	r = run("", "connection", "list", "--org", "acme", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "gh"`) || strings.Contains(r.stdout, "good-token") || strings.Contains(r.stdout, "sealed") {
		t.Fatalf("list --json: %+v", r)
	}

	if r := run("", "connection", "check", "--org", "acme", "--name", "gh"); r.code != 0 || !strings.HasPrefix(r.stdout, "OK: Acts as bot@acme.") {
		t.Errorf("check gh: %+v", r)
	}
	r = run("", "connection", "check", "--org", "acme", "--name", "limited")
	if r.code != 1 || !strings.Contains(r.stdout, "NOT OK") || !strings.Contains(r.stdout, "missing: administration:read\nmissing: members:read\n") {
		t.Errorf("check limited: %+v", r)
	}
	if r := run("", "connection", "check", "--org", "acme", "--name", "nope"); r.code != 1 || !strings.Contains(r.stderr, "--name nope: connection not found") {
		t.Errorf("check unknown: %+v", r)
	}
	if r := run("", "connection", "list", "--org", "acme"); !strings.Contains(r.stdout, "FAILED at") || !strings.Contains(r.stdout, "OK at") {
		t.Errorf("list after checks: %+v", r)
	}

	// Rotation: a new key goes first in the file, every credential is
	// re-sealed with it, and the connections still work.
	r = run("", "secrets", "rotate")
	if r.code != 0 || !strings.Contains(r.stdout, "re-sealed 2 of 2") {
		t.Fatalf("rotate: %+v", r)
	}
	keys, _, err := secret.LoadFile(keyPath, false)
	if err != nil || len(keys) != 2 || keys[1] != first[0] {
		t.Fatalf("key file after rotate: %d keys, %v", len(keys), err)
	}
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.SealedSecrets(context.Background())
	db.Close()
	if err != nil || len(all) != 2 {
		t.Fatal(all, err)
	}
	for _, s := range all {
		if secret.SealedWith(s.Sealed) != keys[0].ID() {
			t.Errorf("connection %d still sealed with %s after rotate", s.ConnectionID, secret.SealedWith(s.Sealed))
		}
	}
	if r := run("", "connection", "check", "--org", "acme", "--name", "gh"); r.code != 0 {
		t.Errorf("check after rotate: %+v", r)
	}
	// The same with the keys in the environment: the new one first.
	k3, _ := secret.NewKey()
	envVars := map[string]string{"ATTEST_DATA_DIR": dir, "ATTEST_SECRET_KEY": k3.String() + "," + keys[0].String()}
	if r := runWithConnectors(t, envVars, "", "secrets", "rotate"); r.code != 0 || !strings.Contains(r.stdout, "re-sealed 2 of 2 stored credential(s) with key "+k3.ID()) {
		t.Fatalf("rotate with ATTEST_SECRET_KEY: %+v", r)
	}
	envVars["ATTEST_SECRET_KEY"] = k3.String()
	if r := runWithConnectors(t, envVars, "", "connection", "check", "--org", "acme", "--name", "gh"); r.code != 0 {
		t.Errorf("check with the new key only: %+v", r)
	}
	if r := run("", "connection", "check", "--org", "acme", "--name", "gh"); r.code != 1 || !strings.Contains(r.stderr, "cannot be opened") {
		t.Errorf("check with a key file that lacks the new key: %+v", r)
	}
	envVars["ATTEST_SECRET_KEY"] = "short"
	if r := runWithConnectors(t, envVars, "", "connection", "check", "--org", "acme", "--name", "gh"); r.code == 0 || !strings.Contains(r.stderr, "ATTEST_SECRET_KEY") ||
		strings.Contains(r.stderr, "short") {
		t.Errorf("a bad ATTEST_SECRET_KEY: %+v", r)
	}

	if r := run("", "connection", "remove", "--org", "acme", "--name", "gh"); r.code != 0 || !strings.Contains(r.stdout, "removed the connection gh") {
		t.Fatalf("remove: %+v", r)
	}
	if r := run("", "connection", "list", "--org", "acme"); strings.Contains(r.stdout, "gh ") {
		t.Errorf("list after remove: %+v", r)
	}
	if r := run("", "help"); !strings.Contains(r.stdout, "connection add --org SLUG") || !strings.Contains(r.stdout, "secrets rotate") {
		t.Errorf("help: %s", r.stdout)
	}
}
