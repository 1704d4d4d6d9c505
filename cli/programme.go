package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/catalog/importer"
	"github.com/attest-hq/attest/programme"
)

// errBelowMinimum makes `attest readiness --min` exit 3, distinct from a failure (1)
// and a usage error (2), so a CI gate can tell "not ready" from "broken".
type belowMinimum struct{ percent, min int }

func (b belowMinimum) Error() string {
	return fmt.Sprintf("readiness %d%% is below the required %d%%", b.percent, b.min)
}

func runReadiness(e *env, args []string) error {
	f := newFlags("readiness", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the assessment as JSON (the same document as GET /api/v1/orgs/{org}/readiness)")
	framework := f.fs.String("framework", "soc2", "the framework: soc2, or iso27001 when in scope")
	minStr := f.fs.String("min", "", "exit with status 3 when readiness is below this percentage (0-100)")
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
	min := -1
	if *minStr != "" {
		if min, err = strconv.Atoi(*minStr); err != nil || min < 0 || min > 100 {
			return usagef("--min: want a whole percentage from 0 to 100, got %q", *minStr)
		}
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	db := s.DB
	a, err := programme.AssessFramework(e.ctx, &db.Queries, s.Catalog, org.ID, *framework)
	if err != nil {
		return err
	}
	report := programme.NewReport(org.Slug, a, time.Now())
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		report.WriteText(e.stdout)
	}
	if min >= 0 && report.Percent < min {
		return belowMinimum{report.Percent, min}
	}
	return nil
}

func runFrameworkImport(e *env, args []string) error {
	f := newFlags("framework import", e)
	orgSlug := f.fs.String("org", "", "organization slug the framework is imported into")
	replace := f.fs.Bool("replace", false, "replace the organization's framework with the same key, in one step; mappings to requirements that remain are kept")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want exactly one FILE argument, got %d", len(rest))
	}
	if *orgSlug == "" {
		return usagef("--org is required: an imported framework and its text belong to one organization")
	}
	info, err := os.Stat(rest[0])
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", rest[0])
	}
	if info.Size() > importer.MaxInputSize {
		return fmt.Errorf("%s is %d bytes; the largest accepted is %d MiB", rest[0], info.Size(), importer.MaxInputSize>>20)
	}
	data, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	var res programme.Replaced
	if *replace {
		res, err = s.Frameworks.Replace(e.ctx, cliPrincipal(org.ID), "", rest[0], data)
	} else {
		res.ImportedFramework, err = s.Frameworks.Import(e.ctx, cliPrincipal(org.ID), rest[0], data)
	}
	meta := res.ImportedFramework
	var ie *importer.Error
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "%s was not imported (nothing was changed):\n", rest[0])
		for _, p := range ie.Problems {
			fmt.Fprintf(e.stderr, "  %s\n", p)
		}
		return fmt.Errorf("%d problem(s) in %s", ie.Total(), rest[0])
	}
	if err != nil {
		return err
	}
	if res.Replaced {
		fmt.Fprintf(e.stdout, "replaced %s in %s with %s %s: %d requirements (%s); kept %d mappings, dropped %d whose requirement is gone\n",
			meta.Key, org.Slug, meta.Name, meta.Version, meta.Count, meta.Format, res.KeptMappings, res.DroppedMappings)
		return nil
	}
	fmt.Fprintf(e.stdout, "imported %s %s into %s: %d requirements (key %s, %s)\n", meta.Name, meta.Version, org.Slug, meta.Count, meta.Key, meta.Format)
	return nil
}
