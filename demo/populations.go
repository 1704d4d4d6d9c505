package demo

import (
	"context"
	"slices"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/population"
	"github.com/attest-hq/attest/store"
)

// seedPopulations takes the demo audit's joiners, leavers, merged changes,
// incidents and access reviews of its first month (closed, inside its
// window), its vendor reviews and vulnerabilities up to yesterday, captures
// its configuration as it stands (the window is still open), draws a
// sample of the changes for a change-management control, and records the
// root cause of the first control that deviated, once.
func seedPopulations(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	svc := opts.Populations
	if svc == nil {
		return nil
	}
	audit, ok, err := openDemoAudit(ctx, db, org)
	if err != nil || !ok {
		return err
	}
	have, err := db.Populations(ctx, org.ID, store.PopulationFilter{AuditID: audit.ID})
	if err != nil || len(have) > 0 {
		return err
	}
	u := users[attest.RoleManager]
	manager := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem}
	first, err := time.Parse(attest.DateLayout, audit.From)
	if err != nil {
		return err
	}
	to := first.AddDate(0, 1, -1).Format(attest.DateLayout)
	for _, kind := range []string{attest.PopulationJoiners, attest.PopulationLeavers} {
		if _, err := svc.Take(ctx, manager, population.Request{Kind: kind, From: audit.From, To: to, AuditID: audit.ID}); err != nil {
			return err
		}
	}
	changes, err := svc.Take(ctx, manager, population.Request{Kind: attest.PopulationChanges, From: audit.From, To: to, AuditID: audit.ID})
	if err != nil {
		return err
	}
	// The whole window's incidents would wait for its end; its first
	// month's are recorded like the rest.
	for _, kind := range []string{attest.PopulationIncidents, attest.PopulationReviews} {
		if _, err := svc.Take(ctx, manager, population.Request{Kind: kind, From: audit.From, To: to, AuditID: audit.ID}); err != nil {
			return err
		}
	}
	// Vendor reviews fall due a few times a year, and a month holds few
	// Dependabot alerts: the window so far (to yesterday, closed) shows the
	// reviews done in it and the one overdue, and the alerts fixed in time,
	// late or not at all.
	yesterday := attest.Today(opts.Now().AddDate(0, 0, -1))
	if yesterday >= audit.From {
		for _, kind := range []string{attest.PopulationVendors, attest.PopulationVulns} {
			if _, err := svc.Take(ctx, manager, population.Request{Kind: kind, From: audit.From, To: min(yesterday, audit.To), AuditID: audit.ID}); err != nil {
				return err
			}
		}
	}
	// The configuration at the window's end is captured within the window:
	// the demo audit's window runs to the last day of this month, so it is
	// open on any day the demo is seeded, and the capture reads the
	// collections the demo's monitoring has just made. (Were it closed, the
	// capture would be refused, and no date is faked to make it.)
	if today := attest.Today(opts.Now()); today >= audit.From && today <= audit.To {
		if _, err := svc.Take(ctx, manager, population.Request{Kind: attest.PopulationConfiguration, AuditID: audit.ID}); err != nil {
			return err
		}
	}
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	for _, c := range controls {
		if c.Status == attest.StatusNotApplicable || !slices.ContainsFunc(c.Mappings, func(m attest.Mapping) bool { return m.Framework == "soc2" && m.Requirement == "CC8.1" }) {
			continue
		}
		draw := svc.Sample
		if opts.Audits != nil {
			draw = opts.Audits.Sample // with the prior audit's deviations, as the UI draws it
		}
		if _, err := draw(ctx, manager, audit.ID, changes.ID, population.SampleRequest{ControlID: c.ID, Frequency: "per-event"}); err != nil {
			return err
		}
		break
	}
	if opts.Audits == nil {
		return nil
	}
	res, err := opts.Audits.Results(ctx, manager, audit.ID)
	if err != nil {
		return err
	}
	for _, c := range res.Controls {
		if c.Result == attest.AuditResultDeviation {
			if _, err := opts.Audits.RecordRootCause(ctx, manager, audit.ID, c.ControlID,
				"The check ran on a monthly calendar reminder that lapsed while its owner was on leave; it now runs as a scheduled task with a named deputy."); err != nil {
				return err
			}
			// One item explained on its own, as a member would the item
			// whose cause differs from the control's.
			if len(c.Deviations) == 0 {
				return nil
			}
			_, err := opts.Audits.RecordItemCause(ctx, manager, audit.ID, c.ControlID, c.Deviations[0].Key,
				"Not caught by the check: the item was handled by a contractor whose account sits outside the synced directory.")
			return err
		}
	}
	return nil
}
