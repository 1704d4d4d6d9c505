package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/training"
)

// runTrainingList prints where every working person stands with security
// awareness training; with --overdue it exits 1 when anyone is overdue.
func runTrainingList(e *env, args []string) error {
	f := newFlags("training list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	overdue := f.fs.Bool("overdue", false, "list only the overdue, and exit 1 when anyone is")
	asJSON := f.fs.Bool("json", false, "print the rows as a JSON array, with the fields of GET /api/v1/orgs/{org}/training")
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
	rows, err := s.Training.List(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	late := training.Overdue(rows)
	if *overdue {
		rows = late
	}
	if *asJSON {
		if rows == nil {
			rows = []attest.TrainingRow{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tEMAIL\tSTATE\tLAST\tDUE")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Email, r.State, orNone(r.Last, "never"), r.Due)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if *overdue && len(late) > 0 {
		return fmt.Errorf("%d people are overdue for security awareness training", len(late))
	}
	return nil
}

// runTrainingRecord records a person's completion of an external course
// with its certificate (a file, stored as evidence) or a link.
func runTrainingRecord(e *env, args []string) error {
	f := newFlags("training record", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	email := f.fs.String("email", "", "the person's work email")
	var in attest.TrainingCompletion
	f.fs.StringVar(&in.Course, "course", "", "the external course's name")
	f.fs.StringVar(&in.CompletedOn, "completed-on", "", "the day it was completed, YYYY-MM-DD")
	f.fs.StringVar(&in.Link, "link", "", "a web address where the completion can be seen")
	certificate := f.fs.String("certificate", "", "the certificate file, stored as evidence")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for _, fl := range []struct{ name, v string }{{"org", *orgSlug}, {"email", *email}, {"course", in.Course}, {"completed-on", in.CompletedOn}} {
		if strings.TrimSpace(fl.v) == "" {
			return usagef("--%s is required", fl.name)
		}
	}
	if *certificate == "" && in.Link == "" {
		return usagef("give --certificate FILE or --link URL")
	}
	var cert *training.Certificate
	if *certificate != "" {
		file, err := os.Open(*certificate)
		if err != nil {
			return err
		}
		defer file.Close()
		cert = &training.Certificate{Filename: filepath.Base(*certificate), Content: file}
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug) // a completion is a ledger record
	if err != nil {
		return err
	}
	defer s.Close()
	p := cliPrincipal(org.ID)
	person, err := s.DB.PersonByEmail(e.ctx, org.ID, *email)
	if err != nil {
		return usagef("--email: %v", err)
	}
	in.PersonID = person.ID
	done, err := s.Training.RecordExternal(e.ctx, p, in, cert)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "recorded that %s completed %s on %s (%s in %s's ledger)\n", done.PersonName, done.Course, done.CompletedOn,
		done.RecordUID, org.Slug)
	return nil
}

// runBackgroundList prints every person's background check; with --overdue
// it exits 1 when anyone's is overdue.
func runBackgroundList(e *env, args []string) error {
	f := newFlags("background list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	overdue := f.fs.Bool("overdue", false, "list only the overdue, and exit 1 when anyone is")
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
	rows, err := s.People.BackgroundChecks(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	late := 0
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tEMAIL\tSTATUS\tPROVIDER\tRESULT ON\tDUE\tOVERDUE")
	for _, r := range rows {
		if r.Overdue {
			late++
		} else if *overdue {
			continue
		}
		status, provider, on := "none", "-", "-"
		if c := r.Check; c != nil {
			status, provider, on = c.Status, orNone(c.Provider, "-"), orNone(c.CheckedOn, "-")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%v\n", r.Name, r.Email, status, provider, on, r.Due, r.Overdue)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *overdue && late > 0 {
		return fmt.Errorf("%d people have no complete background check past the deadline", late)
	}
	return nil
}

// runBackgroundImport imports background checks from a CSV file, all or
// nothing, naming each rejected row.
func runBackgroundImport(e *env, args []string) error {
	return importCSV(e, "background import", args, func(s *app.Services, org attest.Organization, path string, file *os.File) error {
		rep, err := s.People.ImportBackgroundChecks(e.ctx, cliPrincipal(org.ID), file)
		return printImport(e, path, org.Slug, "new", rep, err)
	})
}
