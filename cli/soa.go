package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/soa"
)

// runFrameworkScope brings a built-in framework into an organization's scope
// or takes it out: attest framework scope --org SLUG iso27001 on|off.
func runFrameworkScope(e *env, args []string) error {
	f := newFlags("framework scope", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 2 || (rest[1] != "on" && rest[1] != "off") {
		return usagef("want FRAMEWORK on|off, e.g. iso27001 on")
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Scope.SetFramework(e.ctx, cliPrincipal(org.ID), rest[0], rest[1] == "on"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s in scope of %s: %s\n", rest[0], org.Slug, rest[1])
	return nil
}

// runSoAExclude excludes an Annex A control with its justification:
// attest soa exclude --org SLUG --justification TEXT A.7.1.
func runSoAExclude(e *env, args []string) error {
	return runApplicability(e, args, "soa exclude", true)
}

// runSoAInclude makes an excluded Annex A control applicable again:
// attest soa include --org SLUG A.7.1.
func runSoAInclude(e *env, args []string) error {
	return runApplicability(e, args, "soa include", false)
}

// runApplicability excludes one Annex A control (exclude) or makes it
// applicable again.
func runApplicability(e *env, args []string, cmd string, exclude bool) error {
	f := newFlags(cmd, e)
	orgSlug := f.fs.String("org", "", "organization slug")
	var why *string
	if exclude {
		why = f.fs.String("justification", "", "why the control does not apply (required)")
	}
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one Annex A control, e.g. A.7.1")
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	p := cliPrincipal(org.ID)
	if !exclude {
		if err := s.Scope.Include(e.ctx, p, programme.ISO27001, rest[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s applies\n", rest[0])
		return nil
	}
	ex, err := s.Scope.Exclude(e.ctx, p, programme.ISO27001, rest[0], *why)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "excluded %s: %s\n", ex.Requirement, ex.Justification)
	return nil
}

// runSoA writes the ISO 27001 Statement of Applicability:
// attest soa --org SLUG [--format csv|md|pdf] [--out FILE].
func runSoA(e *env, args []string) error {
	f := newFlags("soa", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	format := f.fs.String("format", "md", "csv, md or pdf")
	out := f.fs.String("out", "", "file to write; standard output when left out")
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
	if !slices.Contains(soa.Formats, *format) {
		return usagef("--format: want one of %s, got %q", strings.Join(soa.Formats, ", "), *format)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	d, err := programme.SoA(e.ctx, &s.DB.Queries, s.Catalog, org.ID)
	if err != nil {
		return err
	}
	applicable, excluded := d.Counts()
	return writeOut(e, *out, func(w io.Writer) error { return soa.Write(w, *format, d) },
		fmt.Sprintf("Statement of Applicability, %d applicable, %d excluded", applicable, excluded))
}
