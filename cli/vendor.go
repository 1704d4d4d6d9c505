package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/vendors"
)

// openVendors parses a vendor command's flags (--org and any the caller
// added) and opens the services for the organization.
func openVendors(e *env, f *flags, args []string, orgSlug *string, wantArgs int) (*app.Services, attest.Principal, []string, error) {
	rest, err := f.parse(args, e)
	if err != nil {
		return nil, attest.Principal{}, nil, err
	}
	if len(rest) != wantArgs {
		if wantArgs == 0 {
			return nil, attest.Principal{}, nil, usagef("unexpected argument %q", rest[0])
		}
		return nil, attest.Principal{}, nil, usagef("want exactly one FILE.csv argument, got %d", len(rest))
	}
	if *orgSlug == "" {
		return nil, attest.Principal{}, nil, usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return nil, attest.Principal{}, nil, err
	}
	return s, cliPrincipal(org.ID), rest, nil
}

// runVendorList prints the vendor register with each vendor's next review;
// --overdue keeps those overdue and exits 1 when there are any.
func runVendorList(e *env, args []string) error {
	f := newFlags("vendor list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the vendors as a JSON array")
	overdue := f.fs.Bool("overdue", false, "only vendors whose review is overdue; exit 1 when there are any")
	s, p, _, err := openVendors(e, f, args, orgSlug, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Vendors.List(e.ctx, p)
	if err != nil {
		return err
	}
	today := attest.Today(time.Now())
	var shown []attest.Vendor
	for _, v := range list {
		if !*overdue || v.ReviewOverdueOn(today) {
			shown = append(shown, v)
		}
	}
	if *asJSON {
		if shown == nil {
			shown = []attest.Vendor{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(shown); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCRITICALITY\tDATA\tOWNER\tLAST REVIEW\tNEXT REVIEW\tCONTRACT END")
		for _, v := range shown {
			due := orNone(v.NextReviewDue(), "-")
			if v.ReviewOverdueOn(today) {
				due += " (overdue)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Name, v.Criticality, orNone(strings.Join(v.DataShared, ","), "-"),
				orNone(v.OwnerName, "-"), orNone(v.LastReviewed, "never"), due, orNone(v.ContractEnd, "-"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if *overdue && len(shown) > 0 {
		return fmt.Errorf("%d vendor reviews are overdue", len(shown))
	}
	return nil
}

// runVendorImport imports vendors from a CSV file, all or nothing; when
// rows are rejected it names each and exits 1, having stored nothing.
func runVendorImport(e *env, args []string) error {
	f := newFlags("vendor import", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	s, p, rest, err := openVendors(e, f, args, orgSlug, 1)
	if err != nil {
		return err
	}
	defer s.Close()
	file, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer file.Close()
	rep, err := s.Vendors.Import(e.ctx, p, file)
	if errors.Is(err, vendors.ErrRejected) {
		fmt.Fprintf(e.stdout, "%s: %d rows read, %d rejected; nothing was imported:\n", rest[0], rep.Rows, len(rep.Rejected))
		for _, r := range rep.Rejected {
			fmt.Fprintf(e.stdout, "line %d: %s: %s\n", r.Line, orNone(r.Name, "(no name)"), strings.TrimSpace(r.Field+" "+r.Reason))
		}
		return fmt.Errorf("%d of %d rows rejected; fix them and import the file again", len(rep.Rejected), rep.Rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s: %d rows, %d added, %d updated, %d unchanged\n", rest[0], rep.Rows, rep.Created, rep.Updated, rep.Unchanged)
	return nil
}

// writeTo runs write on --out FILE, or on standard output for "" or "-".
func writeTo(e *env, out string, write func(io.Writer) error) error {
	if out == "" || out == "-" {
		return write(e.stdout)
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// runVendorExport writes the register as CSV, in the columns an import
// reads.
func runVendorExport(e *env, args []string) error {
	f := newFlags("vendor export", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "write to FILE.csv instead of standard output")
	s, p, _, err := openVendors(e, f, args, orgSlug, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	return writeTo(e, *out, func(w io.Writer) error { return s.Vendors.WriteCSV(e.ctx, p, w) })
}

// runVendorSubprocessors writes the subprocessor list as Markdown or CSV.
func runVendorSubprocessors(e *env, args []string) error {
	f := newFlags("vendor subprocessors", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	format := f.fs.String("format", "md", "md (a Markdown table to publish) or csv")
	out := f.fs.String("out", "", "write to FILE instead of standard output")
	s, p, _, err := openVendors(e, f, args, orgSlug, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	if *format != "md" && *format != "csv" {
		return usagef("--format must be md or csv")
	}
	return writeTo(e, *out, func(w io.Writer) error { return s.Vendors.WriteSubprocessors(e.ctx, p, *format, w) })
}
