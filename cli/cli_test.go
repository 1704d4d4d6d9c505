package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] },
		passwords: auth.TestParams}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

func TestHelpListsEveryFlagAndVariable(t *testing.T) {
	r := runCLI(t, nil, "", "help")
	if r.code != 0 {
		t.Fatalf("help exited %d", r.code)
	}
	for _, s := range settings {
		if !strings.Contains(r.stdout, "--"+s.flag) || !strings.Contains(r.stdout, s.env) {
			t.Errorf("help lacks --%s / %s", s.flag, s.env)
		}
	}
	seen := map[string]bool{}
	for _, c := range commands() {
		if !strings.Contains(r.stdout, c.name) {
			t.Errorf("help lacks command %q", c.name)
		}
		if seen[c.name] {
			t.Errorf("command %q is listed twice", c.name)
		}
		seen[c.name] = true
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if r := runCLI(t, nil, "", "version"); r.code != 0 || r.stdout != "attest "+attest.Version+"\n" {
		t.Fatalf("version: %+v", r)
	}
	if r := runCLI(t, nil, "", "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %+v", r)
	}
}

func TestBadFlagsAndVariablesAreNamed(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		vars map[string]string
		args []string
		want string
	}{
		{nil, []string{"serve", "--nope"}, "flag provided but not defined: -nope"},
		{map[string]string{"ATTEST_SESSION_IDLE": "forever"}, []string{"serve"}, `--session-idle (ATTEST_SESSION_IDLE): want a positive duration such as 30s or 12h, got "forever"`},
		{map[string]string{"ATTEST_DEMO": "maybe"}, []string{"serve"}, `--demo (ATTEST_DEMO): want true or false, got "maybe"`},
		{map[string]string{"ATTEST_LOG_FORMAT": "xml"}, []string{"serve"}, "--log-format (ATTEST_LOG_FORMAT)"},
		{nil, []string{"serve", "--base-url", "ftp://x"}, "--base-url (ATTEST_BASE_URL)"},
		{nil, []string{"serve", "extra"}, `unexpected argument "extra"`},
		{nil, []string{"user", "create", "--org", "a", "--email", "x@y.test"}, "--role is required"},
		{nil, []string{"user", "create", "--org", "a", "--email", "x@y.test", "--role", "boss"}, "--role: must be one of"},
		{nil, []string{"user", "create", "--org", "a", "--email", "nope", "--role", "admin"}, `--email: "nope" is not a valid email address`},
		{nil, []string{"org", "create", "--name", "X"}, "want exactly one SLUG argument"},
		{nil, []string{"org", "create", "acme"}, "--name is required"},
	}
	for _, c := range cases {
		vars := map[string]string{"ATTEST_DATA_DIR": dir}
		for k, v := range c.vars {
			vars[k] = v
		}
		r := runCLI(t, vars, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 and %q", c.vars, c.args, r.code, r.stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors created files: %v", entries)
	}
}

func TestOrgAndUserCreate(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme Corp"); r.code != 0 || !strings.Contains(r.stdout, "created organization acme") {
				t.Fatalf("org create: %+v", r)
			}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Again"); r.code != 1 || !strings.Contains(r.stderr, `slug: an organization named "acme" already exists`) {
				t.Fatalf("duplicate org: %+v", r)
			}
			if r := runCLI(t, vars, "", "org", "create", "Bad Slug", "--name", "X"); r.code != 1 || !strings.Contains(r.stderr, "slug:") {
				t.Fatalf("bad slug: %+v", r)
			}
			// No terminal and no --password-stdin: refuse rather than read a pipe silently.
			if r := runCLI(t, vars, "pw\n", "user", "create", "--org", "acme", "--email", "a@acme.test", "--role", "admin"); r.code != 2 || !strings.Contains(r.stderr, "--password-stdin") {
				t.Fatalf("no terminal: %+v", r)
			}
			if r := runCLI(t, vars, "short\n", "user", "create", "--org", "acme", "--email", "a@acme.test", "--role", "admin", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "password: must be at least 10") {
				t.Fatalf("short password: %+v", r)
			}
			if r := runCLI(t, vars, "", "user", "create", "--org", "acme", "--email", "a@acme.test", "--role", "admin", "--password-stdin"); r.code != 2 || !strings.Contains(r.stderr, "standard input was empty") {
				t.Fatalf("empty stdin: %+v", r)
			}
			if r := runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "nope", "--email", "a@acme.test", "--role", "admin", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "--org nope: organization not found") {
				t.Fatalf("missing org: %+v", r)
			}
			if r := runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", "A@Acme.test", "--role", "admin", "--password-stdin", "--name", "Ann"); r.code != 0 || !strings.Contains(r.stdout, "created user a@acme.test in acme as admin") {
				t.Fatalf("user create: %+v", r)
			}
			runCLI(t, vars, "", "org", "create", "beta", "--name", "Beta")
			if r := runCLI(t, vars, "", "user", "create", "--org", "beta", "--email", "a@acme.test", "--role", "auditor"); r.code != 0 || !strings.Contains(r.stdout, "added existing user") {
				t.Fatalf("existing user: %+v", r)
			}
			if r := runCLI(t, vars, "", "user", "create", "--org", "beta", "--email", "a@acme.test", "--role", "auditor"); r.code != 1 || !strings.Contains(r.stderr, "already a member") {
				t.Fatalf("existing member: %+v", r)
			}

			db, err := store.Open(context.Background(), store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			u, err := db.UserByEmail(context.Background(), "a@acme.test")
			if err != nil || u.Name != "Ann" {
				t.Fatalf("user: %+v %v", u, err)
			}
			ms, _ := db.Memberships(context.Background(), u.ID)
			if len(ms) != 2 || ms[0].Role != attest.RoleAdmin || ms[1].Role != attest.RoleAuditor {
				t.Fatalf("memberships: %+v", ms)
			}
			org, _ := db.OrgBySlug(context.Background(), "acme")
			acts, _ := db.Activity(context.Background(), org.ID, attest.ActivityFilter{})
			if len(acts) != 2 || acts[0].Via != attest.ViaCLI || acts[0].Action != "member.added" {
				t.Fatalf("activity: %+v", acts)
			}
		})
	}
}

func TestMigrateCommand(t *testing.T) {
	vars := map[string]string{"ATTEST_DATA_DIR": t.TempDir()}
	r := runCLI(t, vars, "", "migrate")
	// A fresh database gets every migration, and ends at the highest number
	// (numbers may have gaps).
	files, _ := filepath.Glob(filepath.Join("..", "store", "migrations", "sqlite", "*.sql"))
	if len(files) == 0 {
		t.Fatal("no SQLite migrations found")
	}
	last := strings.TrimLeft(strings.SplitN(filepath.Base(files[len(files)-1]), "_", 2)[0], "0")
	m := regexp.MustCompile(`^applied (\d+) migration\(s\) to sqlite .*; schema version (\d+)\n$`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || m[1] != strconv.Itoa(len(files)) || m[2] != last {
		t.Fatalf("first migrate: %+v, want %d migrations up to version %s", r, len(files), last)
	}
	if r := runCLI(t, vars, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "is up to date at schema version "+m[2]+"\n") {
		t.Fatalf("second migrate: %+v", r)
	}
}

func TestServeFailsClearly(t *testing.T) {
	t.Run("unreachable database", func(t *testing.T) {
		r := runCLI(t, map[string]string{"ATTEST_ADDR": "127.0.0.1:0", "ATTEST_DATABASE_URL": "postgres://u:secretpw@127.0.0.1:1/x?connect_timeout=2"}, "", "serve")
		// A database that does not answer is a condition that may clear:
		// exit 75 (EX_TEMPFAIL), saying so, with the cause and no password.
		if r.code != 75 || !strings.Contains(r.stderr, "cannot be reached") || !strings.Contains(r.stderr, "cannot connect to database postgres://u:xxxxx@127.0.0.1:1/x") ||
			strings.Contains(r.stderr, "secretpw") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("unsupported database URL", func(t *testing.T) {
		r := runCLI(t, map[string]string{"ATTEST_ADDR": "127.0.0.1:0", "ATTEST_DATABASE_URL": "mysql://x"}, "", "serve")
		if r.code != 1 || !strings.Contains(r.stderr, "ATTEST_DATABASE_URL: must start with postgres://") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("occupied port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		dir := filepath.Join(t.TempDir(), "data")
		r := runCLI(t, map[string]string{"ATTEST_DATA_DIR": dir}, "", "serve", "--addr", ln.Addr().String())
		if r.code != 1 || !strings.Contains(r.stderr, "cannot listen on "+ln.Addr().String()) {
			t.Fatalf("%+v", r)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatal("the data directory was created although the port was taken")
		}
	})
	t.Run("unwritable data directory", func(t *testing.T) {
		// A path below a regular file cannot be created, even by root.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o600)
		r := runCLI(t, map[string]string{"ATTEST_ADDR": "127.0.0.1:0", "ATTEST_DATA_DIR": filepath.Join(f, "data")}, "", "serve")
		if r.code != 1 || !strings.Contains(r.stderr, "data directory "+filepath.Join(f, "data")) {
			t.Fatalf("%+v", r)
		}
	})
}

// TestServeShutsDownGracefully starts the real command, lets a request finish
// while shutdown begins, and expects a clean exit.
func TestServeShutsDownGracefully(t *testing.T) {
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string {
		return map[string]string{"ATTEST_ADDR": "127.0.0.1:0", "ATTEST_DATA_DIR": t.TempDir(), "ATTEST_LOG_FORMAT": "json"}[k]
	}, passwords: auth.TestParams}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve"}, e) }()
	var base string
	for i := 0; i < 600 && base == ""; i++ { // 30 s: start-up under the race detector on a busy machine
		time.Sleep(50 * time.Millisecond)
		if m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/setup\?token=`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no set-up link printed: %q %q", out.String(), errb.String())
	}
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errb.String(), `"msg":"stopped"`) {
		t.Fatalf("no structured shutdown log: %s", errb.String())
	}
}

// TestReadmeConfigurationTable keeps the README's configuration table true: one
// row per setting, with its flag, variable, default and commands.
func TestReadmeConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if m := regexp.MustCompile("^\\| `--([a-z-]+)` \\|").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	for _, s := range settings {
		row, ok := rows[s.flag]
		if !ok {
			t.Errorf("README lacks a row for --%s", s.flag)
			continue
		}
		def := "`" + s.def + "`"
		if s.def == "" {
			def = "(empty)"
		}
		for _, want := range []string{"`" + s.env + "`", def, strings.Join(s.commands, ", ") + " |"} {
			if !strings.Contains(row, want) {
				t.Errorf("README row for --%s lacks %q: %s", s.flag, want, row)
			}
		}
		delete(rows, s.flag)
	}
	for f := range rows {
		t.Errorf("README documents --%s, which is not a setting", f)
	}
}
