package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/vendors"
)

// demoVendor is one vendor of the demo register and, when reviewed, its
// review: days from today, the report (Type 2 or none), its opinion, and
// the user entity controls the report asks of Northwind.
type demoVendor struct {
	v        attest.Vendor
	reviewed int // days from today; 0: never reviewed
	report   string
	opinion  string
	except   string
	response string
	answers  map[string]string
	cuecs    []demoCUEC
}

type demoCUEC struct {
	what string
	due  int // days from today
	done bool
}

func demoVendors() []demoVendor {
	soc2 := func(mfa, enc string) map[string]string {
		return map[string]string{"mfa": mfa, "encryption": enc, "breach_notice": "Within 72 hours by email to the security contact, per the DPA.",
			"subprocessors": "Published list with 30 days' notice of changes.", "deletion": "Deleted within 30 days of termination; certificate on request.",
			"continuity": "Multi-region; recovery tested at least yearly (described in the report)."}
	}
	return []demoVendor{
		{v: attest.Vendor{Name: "Amazon Web Services", Website: "https://aws.amazon.com", Criticality: attest.CriticalityCritical,
			DataShared: []string{"customer-data", "personal-data", "credentials"}, Services: "Production hosting: compute, managed PostgreSQL, object storage and backups",
			Location: "Ireland (eu-west-1), Germany (eu-central-1)", ContractStart: "2022-03-01"},
			reviewed: -120, report: attest.ReportType2, opinion: "unqualified",
			answers: soc2("Yes: hardware keys for staff with access to production systems.", "AES-256 at rest with KMS keys Northwind controls; TLS 1.2+ in transit."),
			cuecs: []demoCUEC{
				{"Restrict and review IAM access to the production account; remove leavers within a day.", -90, true},
				{"Enable encryption at rest for every RDS instance and S3 bucket holding customer data.", -90, true},
				{"Turn on CloudTrail in every region and keep its logs for a year.", 20, false},
				{"Keep our own backups restorable: test a restore of the production database each quarter.", -10, false},
			}},
		{v: attest.Vendor{Name: "Okta", Website: "https://www.okta.com", Criticality: attest.CriticalityCritical,
			DataShared: []string{"credentials", "employee-data"}, Services: "Workforce identity and single sign-on", Location: "EU cell",
			ContractStart: "2023-01-15"},
			reviewed: -75, report: attest.ReportType2, opinion: "unqualified",
			answers: soc2("Yes, phishing-resistant factors for administrators.", "Encrypted at rest with per-tenant keys; TLS in transit."),
			cuecs: []demoCUEC{{"Require multi-factor sign-in for every Northwind user in our Okta tenant.", -60, true},
				{"Review Okta administrator assignments each quarter.", 45, false}}},
		{v: attest.Vendor{Name: "GitHub", Website: "https://github.com", Criticality: attest.CriticalityHigh, DataShared: []string{"source-code", "credentials"},
			Services: "Source code hosting, code review and CI", Location: "United States", ContractStart: "2021-09-01"},
			reviewed: -200, report: attest.ReportType2, opinion: "qualified",
			except:   "The auditor found that for part of the period, changes to one internal deployment tool were not consistently reviewed.",
			response: "The exception concerns a tool that does not touch repository data or our organization; we require signed commits and branch protection ourselves. Re-checked at the next report.",
			answers:  soc2("Yes, enforced for staff.", "Encrypted at rest and in transit.")},
		{v: attest.Vendor{Name: "Google Workspace", Website: "https://workspace.google.com", Criticality: attest.CriticalityHigh,
			DataShared: []string{"employee-data", "company-confidential", "personal-data"}, Services: "Email, documents and calendars for staff",
			Location: "EU data regions", ContractStart: "2020-06-01"},
			reviewed: -430, report: attest.ReportType2, opinion: "unqualified", answers: soc2("Yes.", "Yes.")},
		{v: attest.Vendor{Name: "Postmark", Website: "https://postmarkapp.com", Criticality: attest.CriticalityHigh,
			DataShared: []string{"customer-data", "personal-data"}, Services: "Transactional email to dispatchers and technicians",
			Location: "United States", ContractStart: "2023-05-01"},
			reviewed: -300, report: attest.ReportNone,
			answers: map[string]string{"mfa": "Yes for staff; we use an API token scoped to sending.", "breach_notice": "Within 48 hours.",
				"deletion": "Message content kept 45 days, then deleted."}},
		{v: attest.Vendor{Name: "Stripe", Website: "https://stripe.com", Criticality: attest.CriticalityHigh,
			DataShared: []string{"payment-data", "personal-data"}, Services: "Subscription billing and card payments",
			Location: "United States, Ireland", ContractStart: "2022-01-10"}},
		{v: attest.Vendor{Name: "Datadog", Website: "https://www.datadoghq.com", Criticality: attest.CriticalityMedium,
			DataShared: []string{"customer-data"}, Services: "Application logs, metrics and alerting", Location: "EU (Germany)",
			ContractStart: "2024-02-01"}},
		{v: attest.Vendor{Name: "Zendesk", Website: "https://www.zendesk.com", Criticality: attest.CriticalityMedium,
			DataShared: []string{"customer-data", "personal-data"}, Services: "Customer support tickets and chat", Location: "EU"}},
		{v: attest.Vendor{Name: "Slack", Website: "https://slack.com", Criticality: attest.CriticalityMedium,
			DataShared: []string{"company-confidential", "employee-data"}, Services: "Internal chat and alert channels", Location: "EU data residency"}},
		{v: attest.Vendor{Name: "Figma", Website: "https://www.figma.com", Criticality: attest.CriticalityLow,
			DataShared: []string{"company-confidential"}, Services: "Product design", Location: "United States"}},
	}
}

// seedVendors records the demo's vendor register once: ten vendors, a
// critical one reviewed with its SOC 2 report and its checklist partly
// done, a qualified opinion answered, and a review now overdue. Each event
// runs at its own date; reports go through the evidence service.
func seedVendors(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.Vendors == nil || opts.Evidence == nil {
		return nil
	}
	existing, err := db.Vendors(ctx, org.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	admin := attest.Principal{UserID: users[attest.RoleAdmin].ID, Label: users[attest.RoleAdmin].Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaSystem}
	manager := attest.Principal{UserID: users[attest.RoleManager].ID, Label: users[attest.RoleManager].Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem}
	today := opts.Now()
	at := func(days int) *vendors.Service {
		s := *opts.Vendors
		t := today.AddDate(0, 0, days)
		s.DB, s.Now = db.WithClock(func() time.Time { return t }), func() time.Time { return t }
		return &s
	}
	day := func(days int) string { return attest.Today(today.AddDate(0, 0, days)) }
	subs, err := db.Subservices(ctx, org.ID)
	if err != nil {
		return err
	}
	// The annual vendor review is a process Northwind runs: its control is
	// implemented, so the overdue review shows as its gap.
	if opts.Catalog != nil {
		controls, err := db.Controls(ctx, org.ID, store.ControlFilter{})
		if err != nil {
			return err
		}
		implemented := attest.StatusImplemented
		for _, c := range controls {
			if c.LibraryID == "VEND-4" && c.Status != implemented {
				if _, err := programme.NewServices(db, opts.Catalog).Controls.Update(ctx, admin, c.ID,
					programme.ControlChange{Status: &implemented, OwnerID: &admin.UserID}); err != nil {
					return err
				}
			}
		}
	}
	for _, dv := range demoVendors() {
		first := -500
		if dv.reviewed == 0 {
			first = -5 // recorded recently: the first review falls due soon
		}
		// Contracts end relative to today: Datadog's soon, Okta's next year.
		switch dv.v.Name {
		case "Datadog":
			dv.v.ContractEnd = day(40)
		case "Okta":
			dv.v.ContractEnd = day(300)
		}
		dv.v.OwnerID = manager.UserID
		if dv.v.Criticality == attest.CriticalityCritical {
			dv.v.OwnerID = admin.UserID
		}
		v, err := at(first).Create(ctx, manager, dv.v)
		if err != nil {
			return fmt.Errorf("%s: %w", dv.v.Name, err)
		}
		for _, s := range subs {
			if s.Name == v.Name && s.VendorID == 0 {
				if err := at(first).LinkSubservice(ctx, admin, s.ID, v.ID); err != nil {
					return err
				}
			}
		}
		if dv.reviewed == 0 {
			continue
		}
		// The onboarding review, on the questionnaire alone, in time: the
		// reviews of this year answer the cycle it started (and the audit's
		// vendor review population tests them against it).
		onboard, err := at(first+20).StartReview(ctx, manager, v.ID, attest.VendorReview{ReportType: attest.ReportNone, Answers: dv.answers}, nil)
		if err != nil {
			return fmt.Errorf("%s onboarding review: %w", v.Name, err)
		}
		if _, err := at(first+25).Complete(ctx, admin, onboard.ID, "Acceptable at onboarding on the questionnaire's answers; ask for the SOC 2 report at the next review."); err != nil {
			return fmt.Errorf("%s onboarding approval: %w", v.Name, err)
		}
		in := attest.VendorReview{ReportType: dv.report, Opinion: dv.opinion, Exceptions: dv.except, Response: dv.response, Answers: dv.answers}
		var report *vendors.Report
		if dv.report != attest.ReportNone {
			end := today.AddDate(0, 0, dv.reviewed-45)
			in.PeriodStart, in.PeriodEnd = attest.Today(end.AddDate(-1, 0, 1)), attest.Today(end)
			report = &vendors.Report{Filename: strings.ToLower(strings.ReplaceAll(v.Name, " ", "-")) + "-soc2-type2.txt",
				Content: strings.NewReader(fmt.Sprintf("Demo stand-in for %s's SOC 2 Type 2 report for %s to %s.\n", v.Name, in.PeriodStart, in.PeriodEnd))}
		}
		s := at(dv.reviewed - 7)
		r, err := s.StartReview(ctx, manager, v.ID, in, report)
		if err != nil {
			return fmt.Errorf("%s review: %w", v.Name, err)
		}
		for _, c := range dv.cuecs {
			cu, err := s.AddCUEC(ctx, manager, r.ID, attest.VendorCUEC{Description: c.what, OwnerID: manager.UserID, DueOn: day(c.due)})
			if err != nil {
				return err
			}
			if c.done {
				yes := true
				if _, err := at(c.due-3).UpdateCUEC(ctx, manager, cu.ID, vendors.CUECChange{Done: &yes}); err != nil {
					return err
				}
			}
		}
		conclusion := "Fit for continued use: the report covers the services we use and its user entity controls are on our checklist."
		if dv.report == attest.ReportNone {
			conclusion = "Acceptable for the data shared on the questionnaire's answers; ask for a SOC 2 report at renewal."
		}
		if _, err := at(dv.reviewed).Complete(ctx, admin, r.ID, conclusion); err != nil {
			return fmt.Errorf("%s approval: %w", v.Name, err)
		}
	}
	return nil
}
