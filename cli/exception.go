package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/monitor"
)

// asMember acts as a member of the organization, named by email: exceptions
// are requested by one person and approved by another, so the command line's
// own principal (no person) cannot do either.
func asMember(e *env, s *app.Services, org attest.Organization, email string) (attest.Principal, error) {
	if email == "" {
		return attest.Principal{}, usagef("--as EMAIL is required: exceptions are requested and approved by people")
	}
	u, err := s.DB.UserByEmail(e.ctx, strings.TrimSpace(email))
	if err != nil {
		return attest.Principal{}, fmt.Errorf("--as %s: %w", email, err)
	}
	m, err := s.DB.Membership(e.ctx, org.ID, u.ID)
	if err != nil {
		return attest.Principal{}, fmt.Errorf("--as %s is not a member of %s: %w", email, org.Slug, err)
	}
	a := cliActor()
	return attest.Principal{UserID: u.ID, Label: u.Email + " (" + a.Label + ")", OrgID: org.ID, Role: m.Role, Via: attest.ViaCLI}, nil
}

func runExceptionList(e *env, args []string) error {
	f := newFlags("exception list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the exceptions as JSON")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
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
	list, err := s.Monitor.Exceptions(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		type row struct {
			attest.TestException
			State string `json:"state"`
		}
		out := make([]row, 0, len(list))
		for _, x := range list {
			out = append(out, row{x, x.State(now)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTEST\tRESOURCE\tEXPIRES\tREQUESTED BY\tAPPROVED BY\tREASON")
	for _, x := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.UID, x.State(now), x.Test, x.Resource.Key, x.ExpiresAt.Format(time.DateOnly),
			x.RequestedName, x.ApprovedName, oneLine(x.Reason))
	}
	return tw.Flush()
}

func runExceptionRequest(e *env, args []string) error {
	f := newFlags("exception request", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	as := f.fs.String("as", "", "the requesting member's email")
	test := f.fs.String("test", "", "the test, e.g. github.branch_protected")
	resource := f.fs.String("resource", "", "the resource as TYPE:KEY, e.g. github.repository:acme/legacy")
	reason := f.fs.String("reason", "", "why the resource is exempt, and what compensates")
	expires := f.fs.String("expires", "", "the last day of the exception (YYYY-MM-DD), at most a year away")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	typ, key, ok := strings.Cut(*resource, ":")
	if !ok {
		return usagef("--resource: want TYPE:KEY, such as github.repository:acme/legacy (got %q)", *resource)
	}
	day, err := time.Parse(time.DateOnly, *expires)
	if err != nil {
		return usagef("--expires: want a date YYYY-MM-DD (got %q)", *expires)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := asMember(e, s, org, *as)
	if err != nil {
		return err
	}
	x, err := s.Monitor.RequestException(e.ctx, p, monitor.ExceptionRequest{Test: *test, Resource: attest.ResourceRef{Type: typ, Key: key},
		Reason: *reason, ExpiresAt: day.AddDate(0, 0, 1)})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "requested exception %s; an admin or manager other than you approves it:\n  attest exception approve --org %s --id %s --as EMAIL\n", x.UID, org.Slug, x.UID)
	return nil
}

func runExceptionDecide(cmd string) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		f := newFlags(cmd, e)
		orgSlug := f.fs.String("org", "", "organization slug")
		as := f.fs.String("as", "", "the deciding member's email (an admin or manager)")
		id := f.fs.String("id", "", "the exception's ID, exc_…")
		if rest, err := f.parse(args, e); err != nil {
			return err
		} else if len(rest) > 0 {
			return usagef("unexpected argument %q", rest[0])
		}
		if *orgSlug == "" || *id == "" {
			return usagef("--org and --id are required")
		}
		s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
		if err != nil {
			return err
		}
		defer s.Close()
		p, err := asMember(e, s, org, *as)
		if err != nil {
			return err
		}
		if cmd == "exception approve" {
			x, err := s.Monitor.ApproveException(e.ctx, p, *id)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "approved exception %s: %s on %s until %s\n", x.UID, x.Test, x.Resource.Key, x.ExpiresAt.Format(time.DateOnly))
			return nil
		}
		if err := s.Monitor.RevokeException(e.ctx, p, *id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked exception %s\n", *id)
		return nil
	}
}

func runTestAdd(e *env, args []string) error {
	f := newFlags("test add", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if *orgSlug == "" || len(rest) != 1 {
		return usagef("want --org SLUG and one FILE.yaml holding one test")
	}
	data, err := readLimited(rest[0], 64<<10)
	if err != nil {
		return err
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	t, err := s.Monitor.SaveTest(e.ctx, cliPrincipal(org.ID), data)
	if err != nil {
		return fmt.Errorf("%s: %w", rest[0], err)
	}
	fmt.Fprintf(e.stdout, "saved test %s (%s), version %s; it runs at the next collection\n", t.ID, t.Title, t.Version)
	return nil
}

func runTestRemove(e *env, args []string) error {
	f := newFlags("test remove", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	id := f.fs.String("id", "", "the organization's own test to remove")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" || *id == "" {
		return usagef("--org and --id are required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Monitor.DeleteTest(e.ctx, cliPrincipal(org.ID), *id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed test %s; its past results stay in the history\n", *id)
	return nil
}

// readLimited reads a file of at most max bytes, naming it in errors.
func readLimited(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s is %d bytes; at most %d are read", path, fi.Size(), max)
	}
	return os.ReadFile(path)
}
