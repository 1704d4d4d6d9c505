package cli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/notify/mailpittest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store/storetest"
)

func TestEmailCommands(t *testing.T) {
	mail := mailpittest.Start(t, mailpittest.Options{Auth: true, TLS: mailpittest.StartTLS})
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			k, _ := secret.NewKey()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir(), "ATTEST_SECRET_KEY": k.String()}
			runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme Corp")
			if r := runCLI(t, vars, "", "email", "show"); r.code != 0 || !strings.Contains(r.stdout, "email is not set up") {
				t.Fatalf("show before set: %+v", r)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--host", "smtp.test", "--from", "a@acme.test", "--port", "abc"}, `--port: want a number, got "abc"`},
				{[]string{"--host", "smtp.test", "--from", "a@acme.test", "--security", "ssl"}, "--security:"},
				{[]string{"--host", "smtp.test"}, "--from:"},
				{[]string{"--from", "a@acme.test"}, "--host:"},
			} {
				if r := runCLI(t, vars, "", append([]string{"email", "set"}, c.args...)...); r.code != 2 || !strings.Contains(r.stderr, c.want) {
					t.Errorf("email set %v: %+v; want exit 2 naming %q", c.args, r, c.want)
				}
			}
			port := itoa(mail.SMTPPort)
			// The check runs before saving: a wrong password saves nothing.
			r := runCLI(t, vars, "wrong password\n", "email", "set", "--host", mail.SMTPHost, "--port", port, "--security", "starttls",
				"--username", mail.Username, "--password-stdin", "--from", "attest@acme.test")
			if r.code != 1 || !strings.Contains(r.stderr, "not saved") || strings.Contains(r.stderr, "wrong password") {
				t.Fatalf("set with a wrong password: %+v", r)
			}
			if r := runCLI(t, vars, "", "email", "show"); !strings.Contains(r.stdout, "not set up") {
				t.Fatalf("a refused setting was saved: %+v", r)
			}
			// The harness's certificate is private: the check refuses it
			// (permanent), so this install saves without the check and the
			// send below proves the refusal is the certificate's.
			r = runCLI(t, vars, mail.Password+"\n", "email", "set", "--host", mail.SMTPHost, "--port", port, "--security", "starttls",
				"--username", mail.Username, "--password-stdin", "--from", "attest@acme.test")
			if r.code != 1 || !strings.Contains(r.stderr, "certificate") {
				t.Fatalf("set against an untrusted certificate: %+v", r)
			}
			r = runCLI(t, vars, mail.Password+"\n", "email", "set", "--host", mail.SMTPHost, "--port", port, "--security", "starttls",
				"--username", mail.Username, "--password-stdin", "--from", "attest@acme.test", "--check=false")
			if r.code != 0 || !strings.Contains(r.stdout, "email is sent through "+mail.SMTPHost) {
				t.Fatalf("set: %+v", r)
			}
			r = runCLI(t, vars, "", "email", "show")
			if r.code != 0 || !strings.Contains(r.stdout, "security starttls") || !strings.Contains(r.stdout, "signing in as "+mail.Username) || strings.Contains(r.stdout, mail.Password) {
				t.Fatalf("show: %+v", r)
			}
			if r := runCLI(t, vars, "", "email", "test", "--to", "nope"); r.code != 2 || !strings.Contains(r.stderr, "--to:") {
				t.Fatalf("test to a bad address: %+v", r)
			}
			if r := runCLI(t, vars, "", "email", "test", "--to", "lead@acme.test"); r.code != 1 || !strings.Contains(r.stderr, "certificate") {
				t.Fatalf("test through an untrusted certificate: %+v", r)
			}
			if r := runCLI(t, vars, "", "email", "clear"); r.code != 0 {
				t.Fatalf("clear: %+v", r)
			}
			if r := runCLI(t, vars, "", "email", "show"); !strings.Contains(r.stdout, "not set up") {
				t.Fatalf("show after clear: %+v", r)
			}
		})
	}
}

// TestEmailTestAndNotifySend sends for real, through a server without TLS on
// loopback (net/smtp sends a password in the clear only to localhost).
func TestEmailTestAndNotifySend(t *testing.T) {
	mail := mailpittest.Start(t, mailpittest.Options{Auth: true})
	k, _ := secret.NewKey()
	vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, "sqlite"), "ATTEST_DATA_DIR": t.TempDir(), "ATTEST_SECRET_KEY": k.String()}
	runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme Corp")
	r := runCLI(t, vars, mail.Password+"\n", "email", "set", "--host", "localhost", "--port", itoa(mail.SMTPPort), "--security", "none",
		"--username", mail.Username, "--password-stdin", "--from", "attest@acme.test")
	if r.code != 0 {
		t.Fatalf("set: %+v", r)
	}
	if r := runCLI(t, vars, "", "email", "check"); r.code != 0 || !strings.Contains(r.stdout, "accepted") {
		t.Fatalf("check: %+v", r)
	}
	if r := runCLI(t, vars, "", "email", "test", "--to", "lead@acme.test"); r.code != 0 {
		t.Fatalf("test: %+v", r)
	}
	m := mail.Message(t, mail.WaitFor(t, 1, 10*time.Second)[0].ID)
	if m.To[0].Address != "lead@acme.test" || m.Subject != "Attest test message" || m.Username != mail.Username {
		t.Fatalf("test message: %+v", m)
	}
	if r := runCLI(t, vars, "", "notify", "send"); r.code != 0 || !strings.Contains(r.stdout, "0 message(s) sent") {
		t.Fatalf("notify send with nothing to send: %+v", r)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
