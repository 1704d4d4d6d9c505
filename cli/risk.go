package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/risk"
)

// openRisk parses a risk command's flags and opens the organization; want is
// how many positional arguments it takes.
func openRisk(e *env, f *flags, orgSlug *string, args []string, want int, needs app.Needs) (policyCmd, []string, error) {
	rest, err := f.parse(args, e)
	if err != nil {
		return policyCmd{}, nil, err
	}
	switch {
	case len(rest) != want:
		return policyCmd{}, nil, usagef("want %d argument(s), got %d", want, len(rest))
	case *orgSlug == "":
		return policyCmd{}, nil, usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, needs, *orgSlug)
	if err != nil {
		return policyCmd{}, nil, err
	}
	return policyCmd{s: s, org: org, p: cliPrincipal(org.ID)}, rest, nil
}

// runRiskList prints the register; with --overdue, exits 1 when any review or
// acceptance is overdue (for a scheduled check).
func runRiskList(e *env, args []string) error {
	f := newFlags("risk list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the register as JSON, with the fields of GET /api/v1/orgs/{org}/risks")
	overdue := f.fs.Bool("overdue", false, "only risks past their review date or acceptance expiry; exit 1 when there are any")
	c, _, err := openRisk(e, f, orgSlug, args, 0, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	reg, err := c.s.Risks.List(e.ctx, c.p, risk.Filter{Overdue: *overdue})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reg); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tTITLE\tOWNER\tINHERENT\tRESIDUAL\tTREATMENT\tREVIEW")
		for _, r := range reg.Risks {
			review := r.ReviewDate
			if r.ReviewOverdueOn(reg.Today) {
				review += " (overdue)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d %s\t%d %s\t%s\t%s\n", r.Ref, r.Title, orNone(r.OwnerName, "-"), r.Inherent(),
				reg.Scale.Band(r.Inherent()), r.Residual(), reg.Scale.Band(r.Residual()), r.Treatment, review)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if *overdue && len(reg.Risks) > 0 {
		return fmt.Errorf("%d risks are past their review date or acceptance expiry", len(reg.Risks))
	}
	return nil
}

// runRiskImport imports a CSV file of risks, all or nothing.
func runRiskImport(e *env, args []string) error {
	f := newFlags("risk import", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	c, rest, err := openRisk(e, f, orgSlug, args, 1, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	file, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer file.Close()
	rep, err := c.s.Risks.Import(e.ctx, c.p, file)
	if errors.Is(err, risk.ErrRejected) {
		fmt.Fprintf(e.stdout, "%s: %d rows read, %d rejected; nothing was imported:\n", rest[0], rep.Rows, len(rep.Rejected))
		for _, r := range rep.Rejected {
			fmt.Fprintf(e.stdout, "line %d: %s: %s\n", r.Line, r.Field, r.Reason)
		}
		return fmt.Errorf("%d of %d rows rejected; fix them and import the file again", len(rep.Rejected), rep.Rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s into %s: %d rows, %d added, %d updated\n", rest[0], c.org.Slug, rep.Rows, rep.Created, rep.Updated)
	return nil
}

// runRiskExport writes the register as CSV to standard output or --out.
func runRiskExport(e *env, args []string) error {
	f := newFlags("risk export", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "file to write (default: standard output)")
	c, _, err := openRisk(e, f, orgSlug, args, 0, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *out == "" {
		return c.s.Risks.Export(e.ctx, c.p, e.stdout)
	}
	file, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := c.s.Risks.Export(e.ctx, c.p, file); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// runRiskAssess submits the annual risk assessment (the register frozen
// today) to an approver, as the member --as.
func runRiskAssess(e *env, args []string) error {
	f := newFlags("risk assess", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	as := f.fs.String("as", "", "the submitting member's email")
	approver := f.fs.String("approver", "", "the approving member's email (not --as)")
	note := f.fs.String("note", "", "a note for the approver")
	c, _, err := openRisk(e, f, orgSlug, args, 0, app.Needs{})
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *as == "" || *approver == "" {
		return usagef("--as and --approver are required: an assessment is submitted and approved by named members")
	}
	who, err := c.asMember(e.ctx, *as)
	if err != nil {
		return err
	}
	by, err := c.asMember(e.ctx, *approver)
	if err != nil {
		return usagef("--approver: %s is not a member of %s", *approver, c.org.Slug)
	}
	a, err := c.s.Risks.StartAssessment(e.ctx, who, by.UserID, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "submitted the risk assessment %s of %s (%d risks) to %s for approval\n", a.UID, a.AsOf, len(a.Risks), *approver)
	return nil
}

// runRiskApprove approves a submitted assessment as its named approver; the
// snapshot goes into the ledger.
func runRiskApprove(e *env, args []string) error {
	f := newFlags("risk approve", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	as := f.fs.String("as", "", "the approver's email: the member named on the assessment")
	c, rest, err := openRisk(e, f, orgSlug, args, 1, app.Needs{Evidence: true}) // an approval is a ledger record
	if err != nil {
		return err
	}
	defer c.s.Close()
	if *as == "" {
		return usagef("--as is required: assessments are approved by named members")
	}
	who, err := c.asMember(e.ctx, *as)
	if err != nil {
		return err
	}
	a, err := c.s.Risks.ApproveAssessment(e.ctx, who, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s approved the risk assessment %s of %s (%d risks); it is in the ledger\n", who.Label, a.UID, a.AsOf, len(a.Risks))
	return nil
}
