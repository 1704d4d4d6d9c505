package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestUserResetTwoStep(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": t.TempDir()}
			runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme Corp")
			if r := runCLI(t, vars, "a long enough password\n", "user", "create", "--org", "acme", "--email", "ada@acme.test", "--role", "admin", "--password-stdin"); r.code != 0 {
				t.Fatalf("user create: %+v", r)
			}
			if r := runCLI(t, vars, "", "user", "reset-two-step"); r.code != 2 || !strings.Contains(r.stderr, "--email is required") {
				t.Fatalf("no email: %+v", r)
			}
			if r := runCLI(t, vars, "", "user", "reset-two-step", "--email", "who@acme.test"); r.code != 1 || !strings.Contains(r.stderr, "--email: no account has the email who@acme.test") {
				t.Fatalf("unknown email: %+v", r)
			}

			// Ada sets up an app, then loses it and her codes.
			db, err := store.Open(ctx, store.Options{URL: vars["ATTEST_DATABASE_URL"], DataDir: vars["ATTEST_DATA_DIR"]})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			k, _ := secret.NewKey()
			box, _ := secret.New(k)
			users := &account.Users{DB: db, PasswordParams: auth.TestParams, Box: box}
			u, _ := db.UserByEmail(ctx, "ada@acme.test")
			p := attest.Principal{UserID: u.ID, Label: u.Email}
			_, here, err := users.SignIn(ctx, account.Credentials{Email: u.Email, Password: "a long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			en, _ := users.StartTOTP(ctx, p)
			code, _ := auth.TOTPCode(en.Secret, time.Now())
			if _, err := users.ConfirmTOTP(ctx, p, auth.HashSecret(here), code); err != nil {
				t.Fatal(err)
			}

			r := runCLI(t, vars, "", "user", "reset-two-step", "--email", "Ada@acme.test")
			if r.code != 0 || !strings.Contains(r.stdout, "removed ada@acme.test's authenticator app") {
				t.Fatalf("reset: %+v", r)
			}
			if f, _ := db.FactorsOf(ctx, u.ID); f.TOTP || f.RecoveryCodes != 0 {
				t.Fatalf("factors after the reset: %+v", f)
			}
			if s, _, _ := users.Session(ctx, here, ""); s != nil {
				t.Fatal("a session survived the reset")
			}
			org, _ := db.OrgBySlug(ctx, "acme")
			acts, _ := db.Activity(ctx, org.ID, attest.ActivityFilter{Limit: 1})
			if acts[0].Action != "user.mfa_reset" || acts[0].Via != attest.ViaCLI {
				t.Fatalf("activity: %+v", acts[0])
			}
			if _, s, err := users.SignIn(ctx, account.Credentials{Email: u.Email, Password: "a long enough password"}); err != nil || s == "" {
				t.Fatalf("the password alone after the reset: %v", err)
			}
		})
	}
}
