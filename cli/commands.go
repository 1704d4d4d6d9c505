package cli

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/attest-hq/attest/demo"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
)

func runVersion(e *env, args []string) error {
	if len(args) > 0 {
		return usagef("takes no arguments")
	}
	fmt.Fprintf(e.stdout, "attest %s\n", attest.Version)
	return nil
}

func runServe(e *env, args []string) error {
	f := newFlags("serve", e)
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	log, err := f.logger(e.stderr)
	if err != nil {
		return err
	}
	cfg := app.Config{Addr: f.str("addr"), DatabaseURL: f.str("database-url"), DataDir: f.str("data-dir"),
		BaseURL: f.str("base-url"), BlobURL: f.str("blob-url"), SigningKeyFile: f.str("signing-key"), Log: log, Out: e.stdout,
		SecretKeyFile: f.str("secret-key-file"), SecretKey: e.getenv(secret.EnvKey), Connectors: e.connectors,
		MetricsAddr: f.str("metrics-addr"), PasswordParams: e.passwords}
	if cfg.MaxUpload, err = f.bytes("max-upload"); err != nil {
		return err
	}
	if cfg.TrustProxy, err = f.boolean("trust-proxy"); err != nil {
		return err
	}
	if cfg.Demo, err = f.boolean("demo"); err != nil {
		return err
	}
	switch size := f.str("demo-size"); size {
	case "standard", "":
	case "large":
		cfg.DemoSize = demo.Large
	default:
		return usagef("--demo-size (ATTEST_DEMO_SIZE): want standard or large, got %q", size)
	}
	if cfg.SessionIdle, err = f.duration("session-idle"); err != nil {
		return err
	}
	if cfg.ShutdownTimeout, err = f.duration("shutdown-timeout"); err != nil {
		return err
	}
	if cfg.JobLostAfter, err = f.duration("job-lost-after"); err != nil {
		return err
	}
	inProcess, err := f.boolean("jobs")
	if err != nil {
		return err
	}
	cfg.NoJobs = !inProcess
	if cfg.Workers, err = f.count("workers", app.MaxWorkers); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err} // a setting that cannot work is a wrong call: exit 2
	}
	a, err := app.New(e.ctx, cfg)
	if err != nil {
		return err
	}
	return a.Run(e.ctx)
}

func runMigrate(e *env, args []string) error {
	f := newFlags("migrate", e)
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	db, err := store.Open(e.ctx, store.Options{URL: f.str("database-url"), DataDir: f.str("data-dir")})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(e.ctx)
	if err != nil {
		return err
	}
	// The job queue's tables too. River numbers its versions on its own; the
	// schema version printed is Attest's.
	if _, err := jobs.Migrate(e.ctx, db); err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "%s is up to date at schema version %d\n", db, cur)
	} else {
		fmt.Fprintf(e.stdout, "applied %d migration(s) to %s; schema version %d\n", len(applied), db, cur)
	}
	return nil
}

func runOrgCreate(e *env, args []string) error {
	f := newFlags("org create", e)
	name := f.fs.String("name", "", "the organization's display name")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one SLUG argument, got %d", len(rest))
	}
	if *name == "" {
		return usagef("--name is required")
	}
	org := attest.Organization{Slug: rest[0], Name: *name}
	if err := attest.ValidateOrg(&org); err != nil {
		return err
	}
	s, err := f.open(e.ctx, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if org, err = s.Orgs.Create(e.ctx, cliPrincipal(0), org); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created organization %s (%s)\nadd its first admin: attest user create --org %s --email EMAIL --role admin\n", org.Slug, org.Name, org.Slug)
	return nil
}

func runUserCreate(e *env, args []string) error {
	f := newFlags("user create", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	email := f.fs.String("email", "", "the user's email address")
	roleName := f.fs.String("role", "", "admin, manager, employee or auditor")
	name := f.fs.String("name", "", "display name (default: the part of the email before @)")
	fromStdin := f.fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for flagName, v := range map[string]string{"org": *orgSlug, "email": *email, "role": *roleName} {
		if v == "" {
			return usagef("--%s is required", flagName)
		}
	}
	role, err := attest.ParseRole(*roleName)
	if err != nil {
		return usagef("--role: %s", err.(*attest.Error).Message)
	}
	addr := attest.NormalizeEmail(*email)
	if err := attest.ValidateEmail(addr); err != nil {
		return usagef("--email: %s", err.(*attest.Error).Message)
	}
	if *name == "" {
		*name = strings.SplitN(addr, "@", 2)[0]
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	db := s.DB
	// Only a new account needs a password: ask for it before the change.
	_, err = db.UserByEmail(e.ctx, addr)
	exists := err == nil
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return err
	}
	in := account.NewMember{Email: addr, Name: *name, Role: role}
	if !exists {
		if in.Password, err = readPassword(e, *fromStdin); err != nil {
			return err
		}
		if err := attest.ValidatePassword(in.Password); err != nil {
			return err
		}
	}
	_, created, err := s.Users.Add(e.ctx, cliPrincipal(org.ID), in)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(e.stdout, "created user %s in %s as %s\n", addr, org.Slug, role)
	} else {
		fmt.Fprintf(e.stdout, "added existing user %s to %s as %s\n", addr, org.Slug, role)
	}
	return nil
}

// runTokenCreate prints a new API token for scripts and CI. The token is the
// member's own, as if they had made it in the UI; the activity entry names the
// operator. Only the secret goes to standard output, so that
// TOKEN=$(attest token create …) works; the rest goes to standard error.
func runTokenCreate(e *env, args []string) error {
	f := newFlags("token create", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	email := f.fs.String("email", "", "the email of the member who owns the token")
	name := f.fs.String("name", "", "what the token is for, e.g. \"CI\"")
	expires := f.fs.String("expires", "90", "lifetime in whole days, or never")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for _, fl := range []struct{ name, v string }{{"org", *orgSlug}, {"email", *email}, {"name", *name}} {
		if strings.TrimSpace(fl.v) == "" {
			return usagef("--%s is required", fl.name)
		}
	}
	if n := len(strings.TrimSpace(*name)); n > 100 {
		return usagef("--name: must be at most 100 characters")
	}
	addr := attest.NormalizeEmail(*email)
	if err := attest.ValidateEmail(addr); err != nil {
		return usagef("--email: %s", err.(*attest.Error).Message)
	}
	days, err := tokenDays(*expires)
	if err != nil {
		return err
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	db := s.DB
	u, err := db.UserByEmail(e.ctx, addr)
	if err != nil {
		return fmt.Errorf("--email %s: %w", addr, err)
	}
	t, secret, err := s.Users.CreateToken(e.ctx, cliPrincipal(org.ID), account.NewToken{UserID: u.ID, Name: *name, Days: days})
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return fmt.Errorf("--email %s: not a member of %s", addr, org.Slug)
	}
	if err != nil {
		return err
	}
	exp := "never expires"
	if !t.ExpiresAt.IsZero() {
		exp = "expires " + t.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(e.stderr, "created API token %q (%s…) for %s in %s; it %s. It is shown only now:\n", t.Name, t.Prefix, addr, org.Slug, exp)
	fmt.Fprintln(e.stdout, secret)
	return nil
}

// tokenDays reads --expires: a whole number of days (the UI offers 30, 90 and
// 365) or "never".
func tokenDays(s string) (int, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "never") {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > account.MaxTokenDays {
		return 0, usagef("--expires: want a whole number of days from 1 to %d, or never; got %q", account.MaxTokenDays, s)
	}
	return n, nil
}

// cliPrincipal is the operator at the command line: an admin of the
// organization without an account, recorded as cli:$USER.
func cliPrincipal(orgID int64) attest.Principal {
	a := cliActor()
	return attest.SystemPrincipal(orgID, a.Label, a.Via)
}

func cliActor() attest.Actor {
	label := "cli"
	if u := os.Getenv("USER"); u != "" {
		label = "cli:" + u
	}
	return attest.Actor{Label: label, Via: attest.ViaCLI}
}

// readPassword reads a new password from stdin (--password-stdin) or prompts
// twice on a terminal without echo. Anything else is refused rather than read
// silently from a pipe the user did not mean as a password.
func readPassword(e *env, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the password from standard input: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", usagef("--password-stdin: standard input was empty")
		}
		return line, nil
	}
	in, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", usagef("no terminal to prompt for a password on; pass --password-stdin and pipe the password in")
	}
	fmt.Fprint(e.stderr, "Password: ")
	p1, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(e.stderr, "Repeat password: ")
	p2, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	if string(p1) != string(p2) {
		return "", errors.New("the passwords do not match")
	}
	return string(p1), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
