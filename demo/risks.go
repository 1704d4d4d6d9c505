package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/store"
)

// The demo's risk register tells its year: a dozen risks adopted from the
// library or written for Northwind, scored and treated ten months ago, one
// accepted and signed off, the annual assessment approved then; since, a
// rescore after an incident, an acceptance awaiting sign-off and one review
// that slipped past its date.
type riskDemo struct {
	org                 attest.Organization
	admin, manager, emp attest.Principal
}

// demoRisk is one risk of the story: a library risk (lib) or Northwind's own
// (title …), with its owner and residual scores after treatment.
type demoRisk struct {
	lib, title, category, description string
	likelihood, impact                int
	owner                             string // admin, manager or employee
	resL, resI                        int
	treatment, note                   string
}

var demoRisks = []demoRisk{
	{lib: "RL-1", owner: "admin", resL: 2, resI: 3, treatment: attest.TreatMitigate, note: "Okta SSO with phishing-resistant MFA for every employee."},
	{lib: "RL-2", owner: "manager", resL: 2, resI: 3, treatment: attest.TreatMitigate, note: "Immutable backups, tested restores, managed endpoint protection."},
	{lib: "RL-3", owner: "manager", resL: 1, resI: 5, treatment: attest.TreatMitigate, note: "Cloud posture monitoring blocks public buckets."},
	{lib: "RL-4", owner: "manager", resL: 3, resI: 3, treatment: attest.TreatMitigate, note: "Multi-region failover for the API; status page."},
	{lib: "RL-8", owner: "employee", resL: 2, resI: 4, treatment: attest.TreatMitigate, note: "Dependabot and CI scanning; fixes within the SLA."},
	{lib: "RL-9", owner: "employee", resL: 2, resI: 3, treatment: attest.TreatMitigate, note: "Branch protection and required review."},
	{lib: "RL-13", owner: "admin", resL: 4, resI: 1, treatment: attest.TreatMitigate, note: "Encrypted, managed laptops that can be wiped remotely."},
	{lib: "RL-18", owner: "admin", resL: 2, resI: 3, treatment: attest.TreatMitigate, note: "Call-back check and two approvers for bank detail changes."},
	{lib: "RL-39", owner: "admin", resL: 2, resI: 2, treatment: attest.TreatTransfer, note: "Cyber insurance policy renewed each March."},
	{lib: "RL-42", owner: "manager", resL: 2, resI: 2, treatment: attest.TreatAccept, note: "Shared office with badge access; laptops hold no customer data."},
	{title: "Legacy reporting export exposes customer data", category: "application", owner: "employee", likelihood: 3, impact: 4,
		description: "The old CSV reporting export predates tenant checks and is still reachable by a few large customers.",
		resL:        1, resI: 4, treatment: attest.TreatAvoid, note: "The legacy export is switched off; customers moved to the new reports."},
	{title: "Single engineer knows the billing integration", category: "people", owner: "manager", likelihood: 3, impact: 3,
		description: "Only one engineer has worked on the billing provider integration and its reconciliation jobs.",
		resL:        2, resI: 3, treatment: attest.TreatMitigate, note: "Runbook written; a second engineer pairs on every billing change."},
}

// seedRisks runs the story once: an organization with risks keeps them.
func seedRisks(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.Risks == nil {
		return nil
	}
	existing, err := db.Risks(ctx, org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	as := func(role attest.Role) attest.Principal {
		u := users[role]
		return attest.Principal{UserID: u.ID, Label: u.Name + " <" + u.Email + ">", OrgID: org.ID, Role: role, Via: attest.ViaSystem}
	}
	d := riskDemo{org: org, admin: as(attest.RoleAdmin), manager: as(attest.RoleManager), emp: as(attest.RoleEmployee)}
	owners := map[string]attest.Principal{"admin": d.admin, "manager": d.manager, "employee": d.emp}
	today := opts.Now()
	at := func(day int) *risk.Service {
		t := today.AddDate(0, 0, day)
		s := *opts.Risks
		s.DB, s.Now = db.WithClock(func() time.Time { return t }), func() time.Time { return t }
		return &s
	}
	refs := map[int]string{}
	// Ten months ago: the register is drawn up and treated.
	s := at(-305)
	for i, dr := range demoRisks {
		var r attest.Risk
		if dr.lib != "" {
			r, err = s.Adopt(ctx, d.manager, dr.lib, owners[dr.owner].UserID)
		} else {
			r, err = s.Create(ctx, d.manager, attest.Risk{Title: dr.title, Category: dr.category, Description: dr.description,
				OwnerID: owners[dr.owner].UserID, Likelihood: dr.likelihood, Impact: dr.impact, ResidualLikelihood: dr.likelihood,
				ResidualImpact: dr.impact, Treatment: attest.TreatMitigate, ReviewDate: today.AddDate(0, 0, 60).Format(attest.DateLayout)})
		}
		if err != nil {
			return fmt.Errorf("risk %d: %w", i, err)
		}
		refs[i] = r.Ref
	}
	s = at(-300)
	for i, dr := range demoRisks {
		r, _, err := s.Get(ctx, d.manager, refs[i])
		if err != nil {
			return err
		}
		r.ResidualLikelihood, r.ResidualImpact = min(dr.resL, r.Likelihood), min(dr.resI, r.Impact)
		r.TreatmentNote = dr.note
		if dr.treatment != attest.TreatAccept {
			r.Treatment = dr.treatment
		}
		if _, err := s.Update(ctx, d.manager, r); err != nil {
			return fmt.Errorf("treat %s: %w", r.Ref, err)
		}
		if dr.treatment == attest.TreatAccept {
			if _, err := s.Accept(ctx, d.manager, r.Ref, d.admin.UserID, today.AddDate(0, 2, 0).Format(attest.DateLayout), dr.note); err != nil {
				return err
			}
			if _, err := s.ApproveAcceptance(ctx, d.admin, r.Ref); err != nil {
				return err
			}
		}
	}
	// The annual assessment, approved by the admin.
	a, err := at(-298).StartAssessment(ctx, d.manager, d.admin.UserID, "Annual review of the register with the leadership team.")
	if err != nil {
		return err
	}
	if _, err := at(-296).ApproveAssessment(ctx, d.admin, a.UID); err != nil {
		return err
	}
	// The risk controls are in operation: the register is what shows it.
	controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	svc := programme.NewServices(db, opts.Catalog)
	implemented := attest.StatusImplemented
	for _, c := range controls {
		if (c.LibraryID == "RISK-1" || c.LibraryID == "RISK-2") && c.Status != implemented {
			if _, err := svc.Controls.Update(ctx, d.manager, c.ID, programme.ControlChange{Status: &implemented}); err != nil {
				return err
			}
		}
	}
	// Since: an incident raises the vendor outage risk; the stolen laptop
	// review slipped; the credential risk is proposed for acceptance.
	s = at(-40)
	r, _, err := s.Get(ctx, d.manager, refs[3])
	if err != nil {
		return err
	}
	r.Likelihood, r.ResidualLikelihood = 4, 3
	r.TreatmentNote += " Raised after the payment provider's outage in the spring."
	if _, err := s.Update(ctx, d.manager, r); err != nil {
		return err
	}
	r, _, err = s.Get(ctx, d.manager, refs[6])
	if err != nil {
		return err
	}
	r.ReviewDate = today.AddDate(0, 0, -12).Format(attest.DateLayout)
	if _, err := s.Update(ctx, d.manager, r); err != nil {
		return err
	}
	s = at(-3)
	_, err = s.Accept(ctx, d.manager, refs[11], d.admin.UserID, today.AddDate(0, 6, 0).Format(attest.DateLayout),
		"Accepted until the second engineer has shipped a billing change alone.")
	return err
}
