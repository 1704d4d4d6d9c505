package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/programme"
)

// runChecklistList prints every joiner's and leaver's checklist with its
// open steps; with --overdue it exits 1 when a step is past its deadline.
func runChecklistList(e *env, args []string) error {
	f, org := orgFlags("checklist list", e)
	overdue := f.fs.Bool("overdue", false, "list only checklists with a step past its deadline, and exit 1 when there is one")
	asJSON := f.fs.Bool("json", false, "print the checklists as JSON, with the fields of GET /api/v1/orgs/{org}/checklists")
	s, o, err := f.openOrgCommand(args, org, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	lists, err := s.Checklists.List(e.ctx, cliPrincipal(o.ID))
	if err != nil {
		return err
	}
	late := 0
	shown := []attest.Checklist{}
	for _, c := range lists {
		if c.Overdue > 0 {
			late++
		}
		if !*overdue || c.Overdue > 0 {
			shown = append(shown, c)
		}
	}
	if *asJSON {
		err = printJSON(e, map[string]any{"checklists": shown})
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PERSON\tKIND\tDATE\tDONE\tSTEP\tSTATE\tDUE\tDETAIL")
		for _, c := range shown {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t\t\t\t\n", c.Person.Email, c.Kind, c.Anchor, c.Done, len(c.Steps))
			for _, st := range c.Steps {
				if st.State != attest.StepDone {
					fmt.Fprintf(tw, "\t\t\t\t%d %s\t%s\t%s\t%s\n", st.Step.ID, st.Step.Title, st.State, st.Due, orNone(st.Detail, st.Unverifiable))
				}
			}
		}
		err = tw.Flush()
	}
	if err == nil && *overdue && late > 0 {
		err = fmt.Errorf("%d checklist(s) have a step past its deadline", late)
	}
	return err
}

// runChecklistDefaults creates Attest's default templates where the
// organization has none.
func runChecklistDefaults(e *env, args []string) error {
	f, org := orgFlags("checklist defaults", e)
	since := f.fs.String("since", "", "apply to people joining or leaving from this day, YYYY-MM-DD (default today)")
	s, o, err := f.openOrgCommand(args, org, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	made, err := s.Checklists.UseDefaults(e.ctx, cliPrincipal(o.ID), *since)
	if err != nil {
		return err
	}
	for _, t := range made {
		fmt.Fprintf(e.stdout, "created %s (%d steps, from %s)\n", t.Name, len(t.Steps), t.Since)
	}
	fmt.Fprintf(e.stdout, "%d template(s) created in %s\n", len(made), o.Slug)
	return nil
}

// runChecklistClose closes a step of a person's checklist by hand.
func runChecklistClose(e *env, args []string) error {
	f, org := orgFlags("checklist close", e)
	email := f.fs.String("email", "", "the person's work email")
	step := f.fs.String("step", "", "the step's ID, as checklist list prints it")
	note := f.fs.String("note", "", "what was done, and where the proof is")
	file := f.fs.String("file", "", "a file that shows the step done, stored as evidence")
	s, o, err := f.openOrgCommand(args, org, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	stepID, err := strconv.ParseInt(*step, 10, 64)
	switch {
	case *email == "":
		return usagef("--email is required")
	case err != nil:
		return usagef("--step wants a step's ID (a number), got %q", *step)
	}
	person, err := s.DB.PersonByEmail(e.ctx, o.ID, *email)
	if err != nil {
		return err
	}
	var proof *programme.Proof
	if *file != "" {
		fh, err := os.Open(*file)
		if err != nil {
			return usagef("--file: %v", err)
		}
		defer fh.Close()
		proof = &programme.Proof{Filename: filepath.Base(*file), Content: fh}
	}
	if _, err := s.Checklists.CloseStep(e.ctx, cliPrincipal(o.ID), person.ID, stepID, *note, proof); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "closed step %d for %s\n", stepID, person.Email)
	return nil
}

// runChecklistObserve records the account steps the latest collections
// show done, as the worker does after each collection.
func runChecklistObserve(e *env, args []string) error {
	f, org := orgFlags("checklist observe", e)
	s, o, err := f.openOrgCommand(args, org, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Checklists.Observe(e.ctx, o.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d step(s) verified from the latest collections\n", n)
	return nil
}
