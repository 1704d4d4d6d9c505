package cli

import (
	"fmt"
	"os"

	"github.com/attest-hq/attest/app"
)

// runOSCAL writes the programme for one framework as an OSCAL document.
func runOSCAL(e *env, args []string) error {
	f, org := orgFlags("oscal", e)
	document := f.fs.String("document", "", "component-definition or assessment-results")
	framework := f.fs.String("framework", "", "a framework in scope (soc2, iso27001); SOC 2 when empty")
	from := f.fs.String("from", "", "assessment results: the window's first day, YYYY-MM-DD (default: 90 days ago)")
	to := f.fs.String("to", "", "assessment results: the window's last day, YYYY-MM-DD (default: today)")
	out := f.fs.String("out", "", "the file to write; standard output when empty")
	s, o, err := f.openOrgCommand(args, org, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if *document == "" {
		return usagef("--document is required: component-definition or assessment-results")
	}
	b, err := s.OSCAL.Document(e.ctx, cliPrincipal(o.ID), *document, *framework, *from, *to)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, valid against NIST's OSCAL 1.2.1 schema)\n", *out, len(b))
	return nil
}
