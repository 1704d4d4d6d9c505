package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
)

// runAuditPopulationTake takes a population: the query runs now, through
// the services, and its retrieval is recorded in the ledger.
func runAuditPopulationTake(e *env, args []string) error {
	f, orgSlug := orgFlags("audit population take", e)
	kind := f.fs.String("kind", "", "joiners, leavers, changes, incidents, access_reviews, vendor_reviews, vulnerabilities or configuration")
	from := f.fs.String("from", "", "first day of the window, YYYY-MM-DD")
	to := f.fs.String("to", "", "last day of the window, YYYY-MM-DD (an event population can be taken from the day after); inside the audit's window")
	audit := f.fs.Int64("audit", 0, "the ID of the audit it is taken for (--from and --to default to its window)")
	asJSON := f.fs.Bool("json", false, "print the retrieval as JSON, rows and results included")
	s, org, err := f.openOrgCommand(args, orgSlug, app.Needs{Evidence: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if *kind == "" || *audit <= 0 {
		return usagef("--kind and --audit are required")
	}
	r, err := s.Populations.Take(e.ctx, cliPrincipal(org.ID), population.Request{Kind: *kind, From: *from, To: *to, AuditID: *audit})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, r)
	}
	return printPopulation(e.stdout, r)
}

// runAuditPopulationList lists the organization's recorded retrievals.
func runAuditPopulationList(e *env, args []string) error {
	f, orgSlug := orgFlags("audit population list", e)
	kind := f.fs.String("kind", "", "only this kind: joiners, leavers, changes, incidents, access_reviews, vendor_reviews, vulnerabilities or configuration")
	audit := f.fs.Int64("audit", 0, "only those of this audit (its ID)")
	asJSON := f.fs.Bool("json", false, "print JSON")
	s, org, err := f.openOrgCommand(args, orgSlug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Populations.List(e.ctx, cliPrincipal(org.ID), store.PopulationFilter{Kind: *kind, AuditID: *audit})
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []attest.PopulationRetrieval{}
		}
		return printJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tWINDOW\tAUDIT\tRAN AT\tITEMS\tPASS\tDEVIATIONS\tNOT TESTABLE\tMISMATCHES\tHASH")
	for _, r := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s to %s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", r.ID, r.Kind, r.From, r.To, orNone(r.Audit, "-"),
			r.RanAt.Format("2006-01-02 15:04 UTC"), r.Count, r.Tally.Passed, r.Tally.Deviations, r.Tally.NotTestable, r.Tally.Mismatches, r.Hash[:12])
	}
	return tw.Flush()
}

// runAuditPopulationShow prints one recorded retrieval; --items prints its
// items as the population file `attest audit sample --population` reads.
func runAuditPopulationShow(e *env, args []string) error {
	f, orgSlug := orgFlags("audit population show", e)
	asJSON := f.fs.Bool("json", false, "print the retrieval as JSON, rows and results included")
	items := f.fs.Bool("items", false, "print only its items, {id, occurred_at, summary}, as audit sample --population reads them")
	rest, err := f.parse(args, e)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("want one population ID")
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return usagef("%q is not a population ID", rest[0])
	}
	if *orgSlug == "" {
		return usagef("--org is required")
	}
	s, org, err := f.openOrg(e.ctx, app.Needs{}, *orgSlug)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := s.Populations.Get(e.ctx, cliPrincipal(org.ID), id)
	switch {
	case err != nil:
		return err
	case *items:
		return printJSON(e, attest.PopulationItems(r.Rows))
	case *asJSON:
		return printJSON(e, r)
	}
	return printPopulation(e.stdout, r)
}

func printPopulation(w io.Writer, r attest.PopulationRetrieval) error {
	fmt.Fprintf(w, "Population %d (%s): %s, %s to %s\naudit: %s\nsource: %s\nquery: %s\nran at: %s by %s\nitems: %d, hash %s\nledger record: %s (%s)\n",
		r.ID, r.UID, r.Kind, r.From, r.To, orNone(r.Audit, "-"), r.Source, r.Query, r.RanAt.Format("2006-01-02 15:04:05 UTC"), r.TakenBy,
		r.Count, r.Hash, r.UID, r.RecordHash)
	fmt.Fprintf(w, "census: %d pass, %d deviation(s), %d not testable\n", r.Tally.Passed, r.Tally.Deviations, r.Tally.NotTestable)
	if len(r.Rows) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ITEM\tOCCURRED\tSUMMARY\tRESULT\tREASON")
		for i, row := range r.Rows {
			res := attest.ItemResult{Result: "-"}
			if i < len(r.Results) {
				res = r.Results[i]
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.ID, row.OccurredAt.Format("2006-01-02 15:04"), row.Summary, res.Result, res.Reason)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	rec := r.Reconciliation
	fmt.Fprintf(w, "reconciled against %s: %s\n", rec.Against, rec.Note)
	for _, f := range rec.Findings {
		fmt.Fprintf(w, "  mismatch: %s: %s\n", f.Item, f.Why)
	}
	return nil
}

// runAuditPopulationSample draws a sample of a recorded population for a
// control of its audit, stores it, and writes its workpaper, which
// `attest audit sample --verify` re-derives.
func runAuditPopulationSample(e *env, args []string) error {
	f, orgSlug := orgFlags("audit population sample", e)
	audit := f.fs.Int64("audit", 0, "the audit's ID")
	pop := f.fs.Int64("population", 0, "the population's ID")
	control := f.fs.Int64("control", 0, "the control's ID")
	frequency := f.fs.String("frequency", "", "size by this frequency instead of the control's (per-event: by the population's count)")
	prior := f.fs.Bool("prior-deviation", false, "the prior period had a deviation: one size up (implied when the previous closed audit of the framework found the control deviating)")
	out := f.fs.String("out", "", "write the workpaper JSON here")
	s, org, err := f.openOrgCommand(args, orgSlug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	if *audit <= 0 || *pop <= 0 || *control <= 0 || *out == "" {
		return usagef("--audit, --population, --control and --out are required")
	}
	smp, err := s.Audits.Sample(e.ctx, cliPrincipal(org.ID), *audit, *pop, population.SampleRequest{ControlID: *control, Frequency: *frequency, PriorDeviation: *prior})
	if err != nil {
		return err
	}
	doc, err := json.MarshalIndent(smp.Workpaper, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(doc, '\n'), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sample %d: %d of %d items, seed %s: %s\n", smp.ID, smp.Size, len(smp.Workpaper.Population), smp.Seed, *out)
	return nil
}
