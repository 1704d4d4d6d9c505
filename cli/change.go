package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/change"
)

// runChangeList prints the changes register over a window: every deployed
// change with its verdict, and exits 1 when any is a finding, so a
// scheduled job or a CI step can gate on it. --json and --csv print the
// report as the API answers it.
func runChangeList(e *env, args []string) error {
	f := newFlags("change list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	days := f.fs.Int("days", change.DefaultDays, "the window, in days back from now (1 to 366)")
	format := f.fs.String("format", "text", "text, json (as GET /api/v1/orgs/{org}/changes answers) or csv (one row per pull request deployed)")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return usagef("--format must be text, json or csv (got %q)", *format)
	}
	if *days < 1 || *days > 366 {
		return usagef("--days must be from 1 to 366 (got %d)", *days)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Changes.Report(e.ctx, cliPrincipal(org.ID), *days)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	case "csv":
		if err := change.WriteCSV(e.stdout, rep); err != nil {
			return err
		}
	default:
		for _, src := range rep.Sources {
			fmt.Fprintf(e.stdout, "%s: %d repositories, %d pull requests, %d deployments\n", src.Connection, src.Repositories, src.Pulls, src.Deployments)
			for _, n := range src.Notes {
				fmt.Fprintf(e.stdout, "  %s\n", n)
			}
		}
		for _, c := range rep.Changes {
			fmt.Fprintf(e.stdout, "%s %s %s %s: %s\n", c.At.Format("2006-01-02 15:04"), c.Repo, shortSHA(c.SHA), c.State, c.Reason)
		}
		fmt.Fprintf(e.stdout, "%d deployed change(s) in the last %d days, %d finding(s)\n", len(rep.Changes), rep.Days, rep.Findings)
	}
	if rep.Findings > 0 {
		return fmt.Errorf("%d change finding(s)", rep.Findings)
	}
	return nil
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// runChangeImport stores a deploy log (CSV) for deployments GitHub does not
// record, all or nothing.
func runChangeImport(e *env, args []string) error {
	f := newFlags("change import", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	if len(rest) != 1 {
		return usagef("give the deploy log: attest change import --org SLUG FILE.csv (- for standard input)")
	}
	in := e.stdin
	if rest[0] != "-" {
		file, err := os.Open(rest[0])
		if err != nil {
			return fmt.Errorf("open the deploy log: %w", err)
		}
		defer file.Close()
		in = file
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	read, added, err := s.Changes.ImportLog(e.ctx, cliPrincipal(org.ID), in)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.TrimSpace(rest[0]), err)
	}
	fmt.Fprintf(e.stdout, "read %d deployments from %s, %d new\n", read, rest[0], added)
	return nil
}

// runChangeBank stores the register over a window as evidence of the
// change controls (CHG-1, CHG-3, CHG-6), for a monthly job.
func runChangeBank(e *env, args []string) error {
	f := newFlags("change bank", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	days := f.fs.Int("days", change.DefaultDays, "the window, in days back from now (1 to 366)")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	if *days < 1 || *days > 366 {
		return usagef("--days must be from 1 to 366 (got %d)", *days)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	ev, _, err := s.Changes.Bank(e.ctx, cliPrincipal(org.ID), *days)
	if err != nil {
		return err
	}
	refs := make([]string, 0, len(ev.Controls))
	for _, c := range ev.Controls {
		refs = append(refs, c.Ref)
	}
	fmt.Fprintf(e.stdout, "banked %s as evidence %s (sha256 %s, ledger entry %d) for %s\n", ev.Title, ev.UID, ev.SHA256[:12], ev.LedgerSeq,
		orNone(strings.Join(refs, ", "), "no control (adopt CHG-1, CHG-3 or CHG-6 to attach it)"))
	return nil
}
