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
	"github.com/attest-hq/attest/people"
	"github.com/attest-hq/attest/roster"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// runPeopleImport imports a CSV file of people, all or nothing, and prints
// the report; when rows are rejected it names each and exits 1, having stored
// nothing.
func runPeopleImport(e *env, args []string) error {
	return importCSV(e, "people import", args, func(s *app.Services, org attest.Organization, path string, file *os.File) error {
		rep, err := s.People.Import(e.ctx, cliPrincipal(org.ID), file)
		return printImport(e, path, org.Slug, "added", rep, err)
	})
}

// printImport prints the report of a people or background check import:
// each rejected row (and exit 1, nothing stored), or what was imported.
func printImport(e *env, file, org, created string, rep people.ImportReport, err error) error {
	if errors.Is(err, people.ErrRejected) {
		fmt.Fprintf(e.stdout, "%s: %d rows read, %d rejected; nothing was imported:\n", file, rep.Rows, len(rep.Rejected))
		for _, r := range rep.Rejected {
			fmt.Fprintf(e.stdout, "line %d: %s: %s\n", r.Line, orNone(r.Email, "(no email)"), strings.TrimSpace(r.Field+" "+r.Reason))
		}
		return fmt.Errorf("%d of %d rows rejected; fix them and import the file again", len(rep.Rejected), rep.Rows)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %s into %s: %d rows, %d %s, %d updated, %d unchanged\n", file, org, rep.Rows,
		rep.Created, created, rep.Updated, rep.Unchanged)
	return nil
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func runPeopleList(e *env, args []string) error {
	f := newFlags("people list", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the people as a JSON array, with the fields of GET /api/v1/orgs/{org}/people")
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
	list, err := s.People.List(e.ctx, cliPrincipal(org.ID), store.PeopleFilter{})
	if err != nil {
		return err
	}
	today := attest.Today(time.Now())
	if *asJSON {
		out := make([]web.PersonJSON, 0, len(list))
		for _, p := range list {
			out = append(out, web.ToPersonJSON(p, today))
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "%s has no people; add them with attest people add or attest people import\n", org.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tEMAIL\tTITLE\tDEPARTMENT\tMANAGER\tTYPE\tSTART\tEND\tSTATE")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, p.Email, orNone(p.Title, "-"), orNone(p.Department, "-"),
			orNone(p.ManagerName, "-"), p.EmploymentType, p.StartDate, orNone(p.EndDate, "-"), p.State(today))
	}
	return tw.Flush()
}

func runPeopleAdd(e *env, args []string) error {
	f := newFlags("people add", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	in := attest.Person{}
	f.fs.StringVar(&in.Name, "name", "", "the person's name")
	f.fs.StringVar(&in.Email, "email", "", "their work email, unique in the organization")
	f.fs.StringVar(&in.StartDate, "start-date", "", "their first working day, YYYY-MM-DD")
	f.fs.StringVar(&in.Title, "title", "", "their job title")
	f.fs.StringVar(&in.Department, "department", "", "their department")
	manager := f.fs.String("manager", "", "their manager's work email, a person already recorded")
	f.fs.StringVar(&in.EmploymentType, "employment-type", attest.EmploymentEmployee, "employee, contractor or intern")
	f.fs.StringVar(&in.EndDate, "end-date", "", "their last working day, YYYY-MM-DD, when they leave")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for _, fl := range []struct{ name, v string }{{"org", *orgSlug}, {"name", in.Name}, {"email", in.Email}, {"start-date", in.StartDate}} {
		if strings.TrimSpace(fl.v) == "" {
			return usagef("--%s is required", fl.name)
		}
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	p := cliPrincipal(org.ID)
	if in.ManagerID, err = s.People.ManagerByEmail(e.ctx, p, *manager); err != nil {
		return personFlagError(err)
	}
	added, err := s.People.Add(e.ctx, p, in)
	if err != nil {
		return personFlagError(err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) to %s as person %d, %s from %s\n", added.Name, added.Email, org.Slug, added.ID,
		added.EmploymentType, added.StartDate)
	return nil
}

// personFlagError names the flag for a person's field: start_date is
// --start-date.
func personFlagError(err error) error {
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.Field == "" {
		return err
	}
	return fmt.Errorf("--%s: %s", strings.ReplaceAll(ae.Field, "_", "-"), ae.Message)
}

// runPeopleRoster prints the roster's findings (leavers with access,
// joiners without, accounts without an owner) and exits 1 when there are
// any, for a scheduled check; --json prints the whole roster.
func runPeopleRoster(e *env, args []string) error {
	f := newFlags("people roster", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	asJSON := f.fs.Bool("json", false, "print the roster as JSON, as GET /api/v1/orgs/{org}/roster answers")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Roster.Roster(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		for _, src := range rep.Sources {
			when := src.Note
			if !src.CollectedAt.IsZero() {
				when = "collected " + src.CollectedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(e.stdout, "%s (%s): %d account(s), %s\n", src.Connection, src.Type, src.Accounts, when)
		}
		for _, fd := range rep.Findings {
			due := ""
			if fd.Due != "" {
				due = " (due " + fd.Due + ")"
			}
			fmt.Fprintf(e.stdout, "%s: %s%s\n", fd.Kind, fd.Message, due)
		}
	}
	if n := len(rep.Findings); n > 0 {
		return fmt.Errorf("%d roster finding(s)", n)
	}
	if !*asJSON {
		fmt.Fprintln(e.stdout, "no findings")
	}
	return nil
}

// runPeoplePopulations prints the joiners and leavers of a window with what
// the roster's reconciliation says of each; --csv prints them as one CSV
// file, a column naming the population.
func runPeoplePopulations(e *env, args []string) error {
	f := newFlags("people populations", e)
	orgSlug := f.fs.String("org", "", "organization slug")
	from := f.fs.String("from", "", "first day of the window, YYYY-MM-DD")
	to := f.fs.String("to", "", "last day of the window, YYYY-MM-DD")
	asCSV := f.fs.Bool("csv", false, "print CSV, one row per joiner, leaver or mover")
	if rest, err := f.parse(args, e); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	for _, fl := range []struct{ name, v string }{{"org", *orgSlug}, {"from", *from}, {"to", *to}} {
		if fl.v == "" {
			return usagef("--%s is required", fl.name)
		}
	}
	if err := attest.ValidateWindow(*from, *to); err != nil {
		return personFlagError(err)
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{Evidence: true}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	pop, err := s.Roster.Populations(e.ctx, cliPrincipal(org.ID), *from, *to)
	if err != nil {
		return personFlagError(err)
	}
	if *asCSV {
		return roster.WriteCSV(e.stdout, pop, "")
	}
	for _, g := range []struct {
		name    string
		members []attest.PopulationMember
	}{{"Joiners", pop.Joiners}, {"Leavers", pop.Leavers}, {"Role changes", pop.Movers}} {
		fmt.Fprintf(e.stdout, "%s %s to %s: %d\n", g.name, pop.From, pop.To, len(g.members))
		if len(g.members) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tEMAIL\tSTART\tEND\tACCOUNTS\tRECONCILIATION")
		for _, m := range g.members {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", m.Person.Name, m.Person.Email, m.Person.StartDate, orNone(m.Person.EndDate, "-"),
				len(m.Accounts), m.Reconciliation)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, "Role changes are not listed: people's records keep no history of titles, departments or managers by date.")
	return nil
}
