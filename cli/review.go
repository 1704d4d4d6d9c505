package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/app"
)

// systemFlags collect repeated --system CONNECTION=OWNER_EMAIL.
type systemFlags []string

func (s *systemFlags) String() string     { return strings.Join(*s, ",") }
func (s *systemFlags) Set(v string) error { *s = append(*s, v); return nil }

// openReview parses an access review command's flags and opens the
// services for the organization.
func openReview(e *env, f *flags, orgSlug *string, args []string, want int, needs app.Needs) (policyCmd, []string, error) {
	return openRisk(e, f, orgSlug, args, want, needs)
}

// member finds a member of the organization by email, for a flag.
func (c policyCmd) member(e *env, flag, email string) (int64, error) {
	u, err := c.s.DB.UserByEmail(e.ctx, attest.NormalizeEmail(email))
	if err != nil {
		return 0, usagef("%s: no user %s", flag, email)
	}
	if _, err := c.s.DB.Membership(e.ctx, c.org.ID, u.ID); err != nil {
		return 0, usagef("%s: %s is not a member of %s", flag, email, c.org.Slug)
	}
	return u.ID, nil
}

// runReviewStart starts an access review over connections and an uploaded
// account list.
func runReviewStart(e *env, args []string) error {
	f := newFlags("review start", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	var systems systemFlags
	f.fs.Var(&systems, "system", "CONNECTION=OWNER_EMAIL: review the accounts of a connection's latest collection, owned by that member (repeatable)")
	upload := f.fs.String("upload", "", "an account list to review, CSV with the columns login, email, name, key, active, admin")
	uploadSystem := f.fs.String("upload-system", "", "the name of the system the uploaded list comes from")
	uploadOwner := f.fs.String("upload-owner", "", "the email of the member who owns that system")
	title := f.fs.String("title", "", "the campaign's title (default: Access review YEAR QN)")
	due := f.fs.String("due", "", "when reviewers should have decided, YYYY-MM-DD (default: in two weeks)")
	c, _, err := openReview(e, f, orgSlug, args, 0, app.Needs{Evidence: true}) // the frozen list is a ledger record
	if err != nil {
		return err
	}
	defer c.s.Close()
	in := accessreview.Start{Title: *title, DueOn: *due}
	for _, s := range systems {
		name, email, ok := strings.Cut(s, "=")
		if !ok {
			return usagef("--system: want CONNECTION=OWNER_EMAIL, got %q", s)
		}
		conn, err := c.s.DB.ConnectionByName(e.ctx, c.org.ID, strings.TrimSpace(name))
		if err != nil {
			return usagef("--system: no connection %q in %s", name, c.org.Slug)
		}
		owner, err := c.member(e, "--system", strings.TrimSpace(email))
		if err != nil {
			return err
		}
		in.Systems = append(in.Systems, accessreview.SystemChoice{ConnectionID: conn.ID, OwnerID: owner})
	}
	if *upload != "" {
		file, err := os.Open(*upload)
		if err != nil {
			return err
		}
		defer file.Close()
		accounts, err := accessreview.ParseAccounts(file)
		if err != nil {
			return err
		}
		owner, err := c.member(e, "--upload-owner", *uploadOwner)
		if err != nil {
			return err
		}
		in.Upload = &accessreview.Upload{System: *uploadSystem, OwnerID: owner, Accounts: accounts}
	}
	r, err := c.s.AccessReviews.Start(e.ctx, c.p, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "started the access review %s “%s” (id %d): %d accounts in %d system(s), due %s; the account list is in the ledger\n",
		r.UID, r.Title, r.ID, r.Items, len(r.Systems), r.DueOn)
	return nil
}

// runReviewList prints the campaigns and when the next one is due; with
// --overdue it exits 1 when one is.
func runReviewList(e *env, args []string) error {
	f := newFlags("review list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the campaigns and the schedule as JSON")
	overdue := f.fs.Bool("overdue", false, "exit 1 when an access review is overdue")
	c, _, err := openReview(e, f, orgSlug, args, 0, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	list, err := c.s.AccessReviews.List(e.ctx, c.p)
	if err != nil {
		return err
	}
	sc, err := c.s.AccessReviews.Schedule(e.ctx, c.p)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []attest.AccessReview{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"reviews": list, "schedule": sc}); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUID\tTITLE\tSTATE\tDECIDED\tDUE\tCOMPLETED")
		for _, r := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", r.ID, r.UID, r.Title, r.State, r.Decided, r.Items, r.DueOn, orNone(r.CompletedOn(), "-"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "next access review due %s (every %d months)\n", orNone(sc.DueOn, "now"), sc.Months)
	}
	if *overdue && sc.Overdue {
		return fmt.Errorf("an access review is overdue: last completed %s", orNone(sc.LastCompleted, "never"))
	}
	return nil
}

// runReviewReport writes a campaign's report as CSV, with revocations
// verified against the latest collections.
func runReviewReport(e *env, args []string) error {
	f := newFlags("review report", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "write the report to this file instead of standard output")
	c, rest, err := openReview(e, f, orgSlug, args, 1, app.Needs{Evidence: true}) // reads collections' snapshots
	if err != nil {
		return err
	}
	defer c.s.Close()
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil {
		list, lerr := c.s.AccessReviews.List(e.ctx, c.p)
		if lerr != nil {
			return lerr
		}
		for _, r := range list {
			if r.UID == rest[0] {
				id = r.ID
			}
		}
		if id == 0 {
			return usagef("no access review %q in %s: give its ID or uid (attest review list)", rest[0], c.org.Slug)
		}
	}
	body, _, err := c.s.AccessReviews.Report(e.ctx, c.p, id)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(body)
		return err
	}
	return os.WriteFile(*out, body, 0o600)
}

// runReviewCadence sets how many months apart access reviews are due.
func runReviewCadence(e *env, args []string) error {
	f := newFlags("review cadence", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	months := f.fs.Int("months", 0, "months between access reviews, 1 to 12 (the default is 3: quarterly)")
	c, _, err := openReview(e, f, orgSlug, args, 0, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	if err := c.s.AccessReviews.SetCadence(e.ctx, c.p, *months); err != nil {
		return err
	}
	sc, err := c.s.AccessReviews.Schedule(e.ctx, c.p)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "access reviews are due every %d month(s); the next is due %s\n", sc.Months, orNone(sc.DueOn, "now"))
	return nil
}
