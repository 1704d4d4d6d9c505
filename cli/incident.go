package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/store"
)

// runIncidentList prints the incident register; with --open only open and
// contained incidents.
func runIncidentList(e *env, args []string) error {
	f := newFlags("incident list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	severity := f.fs.String("severity", "", "only incidents of this severity: sev1, sev2, sev3 or sev4")
	open := f.fs.Bool("open", false, "only open and contained incidents")
	asJSON := f.fs.Bool("json", false, "print the incidents as a JSON array")
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
	list, err := s.Incidents.List(e.ctx, cliPrincipal(org.ID), store.IncidentFilter{Severity: *severity, Open: *open})
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []attest.Incident{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no incidents%s\n", org.Slug, map[bool]string{true: " matching", false: ""}[*severity != "" || *open])
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tDETECTED\tTO RESOLVE\tTITLE\tNOTE")
	for _, in := range list {
		d, ok := in.TimeToResolve()
		span := "-"
		if ok {
			span = attest.FormatSpan(d)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.Severity, in.Status, in.DetectedAt.UTC().Format("2006-01-02 15:04"), span, in.Title,
			orNone(in.Incomplete(), "-"))
	}
	return tw.Flush()
}

// runIncidentImport adds incidents from a CSV file, all or nothing.
func runIncidentImport(e *env, args []string) error {
	return importCSV(e, "incident import", args, func(s *app.Services, org attest.Organization, path string, file *os.File) error {
		rep, err := s.Incidents.Import(e.ctx, cliPrincipal(org.ID), file)
		if errors.Is(err, incident.ErrRejected) {
			return fmt.Errorf("%s: %s", path, attest.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "imported %s into %s: %d incidents\n", path, org.Slug, rep.Rows)
		return nil
	})
}

// runIncidentExport writes the register as CSV, to standard output or --out.
func runIncidentExport(e *env, args []string) error {
	f := newFlags("incident export", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	out := f.fs.String("out", "", "write to this file instead of standard output")
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
	w := e.stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	return s.Incidents.ExportCSV(e.ctx, cliPrincipal(org.ID), store.IncidentFilter{}, w)
}

// runExerciseRecord records a held exercise, a ledger record.
func runExerciseRecord(e *env, args []string) error {
	f := newFlags("exercise record", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	var ex attest.Exercise
	f.fs.StringVar(&ex.Kind, "kind", "", "incident_response or disaster_recovery")
	f.fs.StringVar(&ex.Format, "format", attest.ExerciseTabletop, "tabletop or live")
	f.fs.StringVar(&ex.HeldOn, "held-on", "", "the day it was held, YYYY-MM-DD")
	f.fs.StringVar(&ex.Title, "title", "", "its title")
	f.fs.StringVar(&ex.Scenario, "scenario", "", "what it rehearsed")
	f.fs.StringVar(&ex.Findings, "findings", "", "what it found")
	var participants stringList
	f.fs.Var(&participants, "participant", "a participant's name (repeat the flag for several)")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	ex.Participants = participants
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug) // a held exercise is a ledger record
	if err != nil {
		return err
	}
	defer s.Close()
	ex, err = s.Incidents.RecordExercise(e.ctx, cliPrincipal(org.ID), ex)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "recorded exercise %d (%s) in %s's ledger; the next %s exercise is due %s\n", ex.ID, ex.RecordUID, org.Slug,
		strings.ToLower(ex.KindText()), attest.ExerciseDue(ex.HeldOn))
	return nil
}

// runExerciseList prints the exercises and the yearly schedule; with
// --check it exits 1 when an exercise of either kind is due.
func runExerciseList(e *env, args []string) error {
	f := newFlags("exercise list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	check := f.fs.Bool("check", false, "exit 1 when an exercise of either kind is due (none in the last 12 months)")
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
	list, err := s.Incidents.Exercises(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tFORMAT\tHELD\tPARTICIPANTS\tTITLE")
	for _, x := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", x.ID, x.Kind, x.Format, x.HeldOn, len(x.Participants), x.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	due := 0
	for _, d := range incident.Schedule(list, attest.Today(time.Now())) {
		switch {
		case d.Last == "":
			fmt.Fprintf(e.stdout, "%s: never held; due now\n", d.Kind)
		case d.Overdue:
			fmt.Fprintf(e.stdout, "%s: last held %s; overdue since %s\n", d.Kind, d.Last, d.Due)
		default:
			fmt.Fprintf(e.stdout, "%s: last held %s; next due %s\n", d.Kind, d.Last, d.Due)
		}
		if d.Overdue {
			due++
		}
	}
	if *check && due > 0 {
		return fmt.Errorf("%d kind(s) of exercise due", due)
	}
	return nil
}
