package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestTokenCreate(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme Corp")
			runCLI(t, vars, "", "org", "create", "beta", "--name", "Beta")
			if r := runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", "ci@acme.test", "--role", "employee", "--password-stdin"); r.code != 0 {
				t.Fatalf("user create: %+v", r)
			}

			// Usage errors exit 2 and name the flag.
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--email", "ci@acme.test", "--name", "CI"}, "--org is required"},
				{[]string{"--org", "acme", "--name", "CI"}, "--email is required"},
				{[]string{"--org", "acme", "--email", "ci@acme.test"}, "--name is required"},
				{[]string{"--org", "acme", "--email", "not-an-email", "--name", "CI"}, "--email:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", strings.Repeat("x", 101)}, "--name:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--expires", "0"}, "--expires:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--expires", "-5"}, "--expires:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--expires", "3651"}, "--expires:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--expires", "soon"}, "--expires:"},
				{[]string{"--org", "acme", "--email", "ci@acme.test", "--name", "CI", "extra"}, "unexpected argument"},
			} {
				r := runCLI(t, vars, "", append([]string{"token", "create"}, c.args...)...)
				if r.code != 2 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
					t.Errorf("%v: want exit 2 naming %q, got %+v", c.args, c.want, r)
				}
			}
			// Failures exit 1.
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"--org", "nope", "--email", "ci@acme.test", "--name", "CI"}, "--org nope: organization not found"},
				{[]string{"--org", "acme", "--email", "who@acme.test", "--name", "CI"}, "--email who@acme.test: user not found"},
				{[]string{"--org", "beta", "--email", "ci@acme.test", "--name", "CI"}, "--email ci@acme.test: not a member of beta"},
			} {
				r := runCLI(t, vars, "", append([]string{"token", "create"}, c.args...)...)
				if r.code != 1 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
					t.Errorf("%v: want exit 1 with %q, got %+v", c.args, c.want, r)
				}
			}

			t.Setenv("USER", "ops") // the actor label comes from the process environment
			r := runCLI(t, vars, "", "token", "create", "--org", "acme", "--email", "CI@acme.test", "--name", "CI deploy")
			secret := strings.TrimSpace(r.stdout)
			if r.code != 0 || !strings.HasPrefix(secret, "atk_") || strings.Contains(secret, "\n") || !strings.Contains(r.stderr, "CI deploy") {
				t.Fatalf("token create: %+v", r)
			}
			never := runCLI(t, vars, "", "token", "create", "--org", "acme", "--email", "ci@acme.test", "--name", "forever", "--expires", "never")
			week := runCLI(t, vars, "", "token", "create", "--org", "acme", "--email", "ci@acme.test", "--name", "week", "--expires", "7")
			if never.code != 0 || week.code != 0 {
				t.Fatalf("token create: %+v %+v", never, week)
			}

			db, err := store.Open(ctx, store.Options{URL: vars["ATTEST_DATABASE_URL"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org, _ := db.OrgBySlug(ctx, "acme")
			u, _ := db.UserByEmail(ctx, "ci@acme.test")
			tok, err := db.TokenByHash(ctx, auth.HashSecret(secret))
			if err != nil || tok.OrgID != org.ID || tok.UserID != u.ID || tok.Name != "CI deploy" || !tok.Active(time.Now()) || tok.Prefix != secret[:12] {
				t.Fatalf("token: %+v %v (org %d user %d)", tok, err, org.ID, u.ID)
			}
			// Absent --expires is 90 days, as the UI's default.
			if d := time.Until(tok.ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
				t.Errorf("default lifetime: expires %v", tok.ExpiresAt)
			}
			if tok, _ := db.TokenByHash(ctx, auth.HashSecret(strings.TrimSpace(never.stdout))); !tok.ExpiresAt.IsZero() {
				t.Errorf("--expires never: expires %v", tok.ExpiresAt)
			}
			if tok, _ := db.TokenByHash(ctx, auth.HashSecret(strings.TrimSpace(week.stdout))); time.Until(tok.ExpiresAt) > 8*24*time.Hour || time.Until(tok.ExpiresAt) < 6*24*time.Hour {
				t.Errorf("--expires 7: expires %v", tok.ExpiresAt)
			}
			acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Action: "token.created"})
			if len(acts) != 3 {
				t.Fatalf("activity: %+v", acts)
			}
			a := acts[len(acts)-1]
			if a.ActorLabel != "cli:ops" || a.Via != attest.ViaCLI || a.RecordType != "api_token" || a.RecordID != fmt.Sprint(tok.ID) ||
				a.Summary != "Created API token CI deploy ("+tok.Prefix+"…) for ci@acme.test" {
				t.Errorf("activity entry: %+v", a)
			}
		})
	}
}
