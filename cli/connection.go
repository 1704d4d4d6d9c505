package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/connection"
	"github.com/attest-hq/attest/connector"
)

// settingFlags collects repeated --set KEY=VALUE flags.
type settingFlags map[string]string

func (s settingFlags) String() string { return "" }

func (s settingFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	if _, dup := s[k]; dup {
		return fmt.Errorf("%s given twice", k)
	}
	s[k] = val
	return nil
}

func runConnectionAdd(e *env, args []string) error {
	f := newFlags("connection add", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	typ := f.fs.String("type", "", "connector type, such as github")
	name := f.fs.String("name", "", "the connection's name in the organization (letters, digits, - _ .)")
	set := settingFlags{}
	f.fs.Var(set, "set", "a setting of the connector as KEY=VALUE; repeat for each (see docs/connectors/TYPE.md)")
	fromStdin := f.fs.Bool("secret-stdin", false, "read the credential (a token or a PEM private key) from all of standard input")
	interval := f.fs.Int("interval", connection.DefaultInterval, "collect on schedule every this many minutes")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for flagName, v := range map[string]string{"org": *orgSlug, "type": *typ, "name": *name} {
		if v == "" {
			return usagef("--%s is required", flagName)
		}
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Secrets: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	// Settings are checked before the credential is asked for, so a typo
	// does not cost a pasted token.
	conn, err := s.Connections.Registry.Get(*typ)
	if err != nil {
		return flagError(err)
	}
	spec := conn.Spec()
	if _, err := connector.Settings(spec, set); err != nil {
		return flagError(err)
	}
	var secret []byte
	// A connector whose credential is optional (AWS's default chain) is
	// added without one unless --secret-stdin is given.
	if *fromStdin || !spec.SecretOptional {
		if secret, err = readSecret(e, *fromStdin, spec.SecretLabel); err != nil {
			return err
		}
	}
	c, err := s.Connections.Add(e.ctx, cliPrincipal(org.ID), connection.Input{Type: *typ, Name: *name, Settings: set, Secret: secret,
		IntervalMinutes: *interval})
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(e.stdout, "added the %s connection %s to %s (collected every %d minutes)\ncheck it with: attest connection check --org %s --name %s\n",
		spec.Title, c.Name, org.Slug, c.IntervalMinutes, org.Slug, c.Name)
	return nil
}

// flagError names the command-line flag for a service's field: the
// credential is --secret-stdin, a setting KEY is --set KEY=….
func flagError(err error) error {
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.Field == "" {
		return err
	}
	switch ae.Field {
	case "type", "name":
		return fmt.Errorf("--%s: %s", ae.Field, ae.Message)
	case "interval_minutes":
		return fmt.Errorf("--interval: %s", ae.Message)
	case "secret":
		return fmt.Errorf("the credential (--secret-stdin): %s", ae.Message)
	}
	return fmt.Errorf("--set %s=…: %s", ae.Field, ae.Message)
}

// readSecret reads the credential from standard input (--secret-stdin: all
// of it, for multi-line private keys) or prompts on a terminal without echo.
func readSecret(e *env, fromStdin bool, label string) ([]byte, error) {
	if label == "" {
		label = "Credential"
	}
	if fromStdin {
		b, err := io.ReadAll(io.LimitReader(e.stdin, connection.MaxSecret+1))
		if err != nil {
			return nil, fmt.Errorf("reading the credential from standard input: %w", err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return nil, usagef("--secret-stdin: standard input was empty")
		}
		return b, nil
	}
	in, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return nil, usagef("no terminal to prompt for the credential on; pass --secret-stdin and pipe it in")
	}
	fmt.Fprintf(e.stderr, "%s: ", label)
	b, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(e.stderr)
	return b, err
}

func runConnectionList(e *env, args []string) error {
	f := newFlags("connection list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the connections as a JSON array, with the fields of GET /api/v1/orgs/{org}/connections")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Connections.List(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []attest.Connection{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no connections; add one with attest connection add\n", org.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tEVERY\tSETTINGS\tLAST CHECK")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, c.Type, strconv.Itoa(c.IntervalMinutes)+"m", settingsText(c.Settings), checkText(c))
	}
	return tw.Flush()
}

func settingsText(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}

func checkText(c attest.Connection) string {
	switch {
	case c.CheckedAt.IsZero():
		return "never checked"
	case c.CheckOK:
		return "OK at " + c.CheckedAt.Format("2006-01-02 15:04 MST")
	}
	return "FAILED at " + c.CheckedAt.Format("2006-01-02 15:04 MST") + ": " + c.CheckMessage
}

// connectionFlags parses --org and --name, shared by check and remove.
func connectionFlags(e *env, cmd string, args []string, needs app.Needs) (*app.Services, attest.Principal, attest.Connection, error) {
	f := newFlags(cmd, e)
	orgSlug := f.fs.String("org", "", "organization slug")
	name := f.fs.String("name", "", "the connection's name")
	rest, err := f.parse(args, e)
	if err != nil {
		return nil, attest.Principal{}, attest.Connection{}, err
	}
	if len(rest) > 0 {
		return nil, attest.Principal{}, attest.Connection{}, usagef("unexpected argument %q", rest[0])
	}
	for flagName, v := range map[string]string{"org": *orgSlug, "name": *name} {
		if v == "" {
			return nil, attest.Principal{}, attest.Connection{}, usagef("--%s is required", flagName)
		}
	}
	s, org, err := f.openOrg(e.ctx, needs, *orgSlug)
	if err != nil {
		return nil, attest.Principal{}, attest.Connection{}, err
	}
	p := cliPrincipal(org.ID)
	c, err := s.Connections.ByName(e.ctx, p, *name)
	if err != nil {
		s.Close()
		return nil, p, c, fmt.Errorf("--name %s: %w", *name, err)
	}
	return s, p, c, nil
}

func runConnectionCheck(e *env, args []string) error {
	s, p, c, err := connectionFlags(e, "connection check", args, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Connections.Check(e.ctx, p, c.ID)
	if err != nil {
		return err
	}
	if res.OK {
		fmt.Fprintf(e.stdout, "OK: %s\n", connection.Describe(res))
		return nil
	}
	fmt.Fprintf(e.stdout, "NOT OK: %s\n", connection.Describe(res))
	for _, m := range res.Missing {
		fmt.Fprintf(e.stdout, "missing: %s\n", m)
	}
	return fmt.Errorf("connection %s does not work", c.Name)
}

func runConnectionRemove(e *env, args []string) error {
	s, p, c, err := connectionFlags(e, "connection remove", args, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Connections.Remove(e.ctx, p, c.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed the connection %s and its credential\n", c.Name)
	return nil
}

func runConnectionWebhook(e *env, args []string) error {
	s, p, c, err := connectionFlags(e, "connection webhook", args, app.Needs{Secrets: true})
	if err != nil {
		return err
	}
	defer s.Close()
	secret, err := s.Connections.NewWebhookSecret(e.ctx, p, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "webhook for connection %s (the previous secret, if any, no longer works):\n", c.Name)
	fmt.Fprintf(e.stdout, "  payload URL:  BASE_URL/hooks/%s/%d  (BASE_URL: the server's --base-url)\n", c.Type, c.ID)
	fmt.Fprintf(e.stdout, "  content type: application/json\n  secret:       %s\n", secret)
	fmt.Fprintln(e.stdout, "the secret is shown this once; run this command again to make a new one")
	return nil
}
