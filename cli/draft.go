package cli

import (
	"fmt"
	"os"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/programme"
)

// runDraftDescription writes the draft system description.
func runDraftDescription(e *env, args []string) error {
	f, org := orgFlags("draft description", e)
	format := f.fs.String("format", "md", "md or pdf")
	out := f.fs.String("out", "", "the file to write; standard output when empty")
	s, o, err := f.openOrgCommand(args, org, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	md, err := s.Drafts.Description(e.ctx, cliPrincipal(o.ID))
	if err != nil {
		return err
	}
	return writeDraft(e, s.Drafts, o.Name, "System description", md, *format, *out)
}

// runDraftAssertion writes the draft management assertion.
func runDraftAssertion(e *env, args []string) error {
	f, org := orgFlags("draft assertion", e)
	var in programme.AssertionInput
	f.fs.StringVar(&in.Type, "type", "", "type1 (as of a day) or type2 (a period)")
	f.fs.StringVar(&in.AsOf, "as-of", "", "Type 1: the day the report is as of, YYYY-MM-DD")
	f.fs.StringVar(&in.From, "from", "", "Type 2: the period's first day, YYYY-MM-DD")
	f.fs.StringVar(&in.To, "to", "", "Type 2: the period's last day, YYYY-MM-DD")
	audit := f.fs.String("audit", "", "take the type and dates from this audit record (its ID) instead")
	format := f.fs.String("format", "md", "md or pdf")
	out := f.fs.String("out", "", "the file to write; standard output when empty")
	s, o, err := f.openOrgCommand(args, org, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if *audit != "" {
		if in.Type != "" || in.AsOf != "" || in.From != "" || in.To != "" {
			return usagef("--audit takes the type and dates from the audit record: leave out --type, --as-of, --from and --to")
		}
		id, err := auditFlag(*audit)
		if err != nil {
			return err
		}
		a, err := s.Audits.Get(e.ctx, cliPrincipal(o.ID), id)
		if err != nil {
			return fmt.Errorf("--audit %d: %w", id, err)
		}
		in = programme.AssertionInput{Type: string(a.Type), AsOf: a.AsOf, From: a.From, To: a.To}
	}
	md, err := s.Drafts.Assertion(e.ctx, cliPrincipal(o.ID), in)
	if err != nil {
		return err
	}
	return writeDraft(e, s.Drafts, o.Name, "Management's assertion", md, *format, *out)
}

func writeDraft(e *env, d programme.Drafts, org, title, md, format, out string) error {
	body := []byte(md)
	switch format {
	case "md":
	case "pdf":
		if out == "" {
			return usagef("--format pdf needs --out FILE")
		}
		var err error
		if body, err = d.PDF(org, title, md); err != nil {
			return err
		}
	default:
		return usagef("--format: want md or pdf, got %q", format)
	}
	if out == "" {
		_, err := e.stdout.Write(body)
		return err
	}
	if err := os.WriteFile(out, body, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes)\n", out, len(body))
	return nil
}
