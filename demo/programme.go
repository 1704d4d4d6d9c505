package demo

import (
	"context"
	"hash/fnv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
)

// seedProgramme gives the demo a SOC 2 programme part-way through readiness:
// scope chosen, the library adopted, about half the controls implemented, some
// in progress, a few not applicable, and remediation tasks, some overdue. It
// runs once: an organization that has controls is left alone.
func seedProgramme(ctx context.Context, env *Env) error {
	if len(env.Catalog.Controls) == 0 {
		return nil
	}
	existing, err := env.Tx.ControlRefs(ctx, env.Org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	org := env.Org
	// The demo changes its programme as any caller does, through the services
	// and inside the seeding transaction: each change has its activity entry.
	p := attest.SystemPrincipal(org.ID, env.Actor.Label, env.Actor.Via)
	svc := programme.NewServices(programme.InTx(env.Tx), env.Catalog)
	scopes, controls, tasks := svc.Scope, svc.Controls, svc.Tasks
	if _, err := scopes.Save(ctx, p, attest.Scope{Categories: []string{"availability", "confidentiality"},
		SystemName:     "Northwind Cloud",
		SystemSummary:  "A multi-tenant SaaS platform that schedules and tracks field-service work for mid-sized utilities.",
		Services:       "Web application and mobile apps for dispatchers and technicians; a REST API for customers' own integrations; email and chat support.",
		Infrastructure: "Go services and PostgreSQL on AWS (ECS, RDS, S3) in eu-west-1 with backups replicated to eu-central-1; GitHub for source code; Okta for workforce identity.",
		Locations:      "Offices in Dublin and Lisbon; production in AWS eu-west-1.",
	}); err != nil {
		return err
	}
	for _, s := range []attest.SubserviceOrg{
		{Name: "Amazon Web Services", Service: "Hosting, managed databases and storage", Method: "carve-out", Controls: "Physical security of data centres, hardware and network infrastructure"},
		{Name: "Okta", Service: "Workforce identity and single sign-on", Method: "carve-out", Controls: "Availability and security of the authentication service"},
	} {
		if _, err := scopes.AddSubservice(ctx, p, s); err != nil {
			return err
		}
	}
	for _, c := range []attest.CUEC{
		{Description: "Customers grant and remove their own users' access and review it periodically.", Criteria: []string{"CC6.2", "CC6.3"}},
		{Description: "Customers keep their API keys secret and rotate them when staff leave.", Criteria: []string{"CC6.1"}},
	} {
		if _, err := scopes.AddCUEC(ctx, p, c); err != nil {
			return err
		}
	}
	added, err := controls.Adopt(ctx, p)
	if err != nil {
		return err
	}
	owners := []int64{env.Users[attest.RoleAdmin].ID, env.Users[attest.RoleManager].ID}
	for _, c := range added {
		status, justification, owner := c.Status, "", int64(0)
		switch pick(c.Ref) % 20 {
		case 0, 1, 2, 3, 4, 5, 6, 7, 8:
			status = attest.StatusImplemented
		case 9, 10, 11, 12:
			status = attest.StatusInProgress
		case 13:
			status, justification = attest.StatusNotApplicable, "Northwind has no physical office hardware in scope; all production runs in AWS (carved out)."
			if c.Family != "Physical security" {
				status, justification = attest.StatusInProgress, ""
			}
		}
		if status != attest.StatusNotStarted || pick(c.Ref+"o")%3 == 0 {
			owner = owners[pick(c.Ref+"w")%2]
		}
		if status == c.Status && owner == 0 {
			continue
		}
		if _, err := controls.Update(ctx, p, c.ID, programme.ControlChange{Status: &status, Justification: &justification, OwnerID: &owner}); err != nil {
			return err
		}
	}
	today := env.Now().UTC()
	day := func(d int) string { return today.AddDate(0, 0, d).Format(attest.DateLayout) }
	emp := env.Users[attest.RoleEmployee].ID
	for _, t := range []attest.Task{
		{Title: "Turn on MFA enforcement for the GitHub organization", OwnerID: env.Users[attest.RoleManager].ID, DueOn: day(-6), Priority: "high", Requirement: "CC6.1"},
		{Title: "Write the incident response plan and run a tabletop exercise", OwnerID: env.Users[attest.RoleAdmin].ID, DueOn: day(-2), Priority: "high", Requirement: "CC7.4"},
		{Title: "Finish the first quarterly access review of production", OwnerID: env.Users[attest.RoleManager].ID, DueOn: day(9), Priority: "medium", Requirement: "CC6.2"},
		{Title: "Complete security awareness training", OwnerID: emp, DueOn: day(12), Priority: "medium", Requirement: "CC2.2"},
		{Title: "Record the annual restore test of the production database", DueOn: day(30), Priority: "medium", Requirement: "A1.3"},
		{Title: "Collect SOC 2 reports from critical vendors", Priority: "low", Requirement: "CC9.2"},
	} {
		if _, err := tasks.Create(ctx, p, t); err != nil {
			return err
		}
	}
	return nil
}

// pick is a stable pseudo-random number per string, so the demo looks the same
// on every install.
func pick(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
