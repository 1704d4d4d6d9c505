package demo

import (
	"context"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
)

// Incidents is what the demo needs of the incident service (package
// incident, which sits beside demo and so is named here by what it does).
type Incidents interface {
	List(ctx context.Context, p attest.Principal, f store.IncidentFilter) ([]attest.Incident, error)
	Create(ctx context.Context, p attest.Principal, in attest.Incident) (attest.Incident, error)
	Update(ctx context.Context, p attest.Principal, in attest.Incident) (attest.Incident, error)
	AddAction(ctx context.Context, p attest.Principal, id int64, t attest.Task) (attest.Task, error)
	SignOff(ctx context.Context, p attest.Principal, id int64) (attest.Incident, error)
	RecordExercise(ctx context.Context, p attest.Principal, e attest.Exercise) (attest.Exercise, error)
	AddFollowUp(ctx context.Context, p attest.Principal, id int64, t attest.Task) (attest.Task, error)
}

const demoPostMortem = `## Summary

A support engineer exported a customer's ticket history to help debug a failing integration. The export
included request logs, and the logs held the customer's live API keys in an ` + "`Authorization`" + ` header. The
export was attached to a ticket in our helpdesk, which the customer's whole team could read.

## Timeline (UTC)

- **09:10** the export is attached to the ticket.
- **11:40** the customer's security lead reports seeing keys in the attachment.
- **12:05** the attachment is deleted and the exposed keys are revoked; the customer is called.
- **next day 10:00** log redaction is deployed; every export since January is checked for keys (none found).

## Root cause

Request logging recorded headers verbatim, and the support export read the same logs.

## What went well

The customer reported it quickly, and key revocation took minutes.

## What we change

1. Redact credentials at the logger, not in each consumer.
2. Exports from production logs go through the redacting view only.
3. Secret scanning on helpdesk attachments.
`

// seedIncidents records the demo's incidents and exercises through the
// incident service, once: a resolved SEV2 with its post-mortem signed off
// and corrective actions, an open SEV3 with an action in progress, a SEV4
// phishing report, last year's tabletop and a live disaster-recovery test.
func seedIncidents(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	svc := opts.Incidents
	if svc == nil {
		return nil
	}
	admin := attest.Principal{UserID: users[attest.RoleAdmin].ID, Label: users[attest.RoleAdmin].Email, OrgID: org.ID, Role: attest.RoleAdmin, Via: attest.ViaSystem}
	existing, err := svc.List(ctx, admin, store.IncidentFilter{})
	if err != nil || len(existing) > 0 {
		return err
	}
	now := opts.Now().UTC().Truncate(time.Hour)
	day := func(t time.Time) string { return t.Format(attest.DateLayout) }
	manager, employee := users[attest.RoleManager].ID, users[attest.RoleEmployee].ID

	// A resolved SEV2, its post-mortem signed off, with corrective actions.
	detected := now.AddDate(0, 0, -74).Add(-6 * time.Hour)
	leak, err := svc.Create(ctx, admin, attest.Incident{Title: "Customer API keys exposed in a support ticket export", Severity: attest.Sev2,
		Summary:    "A support export of request logs included a customer's live API keys and was readable by the customer's whole team.",
		OccurredAt: detected.Add(-150 * time.Minute), DetectedAt: detected, OwnerID: manager,
		Systems: []string{"public API", "helpdesk", "log pipeline"}, DataCategories: []string{"API credentials", "request logs"}})
	if err != nil {
		return err
	}
	var done []attest.Task // actions and follow-ups completed in time
	for i, t := range []attest.Task{
		{Title: "Redact Authorization headers in request logging", OwnerID: employee, DueOn: day(detected.AddDate(0, 0, 7)), Priority: "critical"},
		{Title: "Route production log exports through the redacting view", OwnerID: manager, DueOn: day(detected.AddDate(0, 0, 21)), Priority: "high"},
		{Title: "Turn on secret scanning for helpdesk attachments", OwnerID: manager, DueOn: day(now.AddDate(0, 0, 12)), Priority: "medium"},
	} {
		t, err := svc.AddAction(ctx, admin, leak.ID, t)
		if err != nil {
			return err
		}
		if i < 2 {
			done = append(done, t)
		}
	}
	leak.Status, leak.ContainedAt, leak.ResolvedAt = attest.IncidentResolved, detected.Add(25*time.Minute), detected.Add(22*time.Hour+20*time.Minute)
	leak.RootCause = "Request logging recorded headers verbatim, and support exports read the same logs."
	leak.Lessons = "Redact at the source; treat every log export as containing secrets until proven otherwise."
	leak.Notifications = []attest.Notification{
		{Audience: "customers", Decision: attest.NotifyYes, Reason: "The affected customer, by phone and in writing, as our contract requires.", NotifiedOn: day(detected)},
		{Audience: "regulators", Decision: attest.NotifyNo, Reason: "No personal data was exposed: API keys and request metadata only."},
	}
	leak.PostMortem = demoPostMortem
	if leak, err = svc.Update(ctx, admin, leak); err != nil {
		return err
	}
	if _, err := svc.SignOff(ctx, admin, leak.ID); err != nil {
		return err
	}

	// A SEV4 phishing report, resolved the same morning.
	phish := now.AddDate(0, 0, -31).Add(-3 * time.Hour)
	if _, err := svc.Create(ctx, admin, attest.Incident{Title: "Phishing email imitating our payroll provider", Severity: attest.Sev4,
		Status: attest.IncidentResolved, Summary: "Three staff reported the email; nobody entered credentials.", DetectedAt: phish,
		ContainedAt: phish.Add(40 * time.Minute), ResolvedAt: phish.Add(2 * time.Hour), Systems: []string{"email"}, OwnerID: manager,
		RootCause: "A lookalike domain registered the day before.", Lessons: "The report button works; the sender domain is now blocked."}); err != nil {
		return err
	}

	// An open SEV3, contained, with an action in progress.
	outage := now.Add(-30 * time.Hour)
	open, err := svc.Create(ctx, admin, attest.Incident{Title: "Elevated error rate in the EU region after a DNS change", Severity: attest.Sev3,
		Status: attest.IncidentContained, Summary: "About 4% of EU API requests failed for 50 minutes after a resolver change.",
		OccurredAt: outage.Add(-12 * time.Minute), DetectedAt: outage, ContainedAt: outage.Add(50 * time.Minute), OwnerID: manager,
		Systems: []string{"public API", "DNS"}})
	if err != nil {
		return err
	}
	if _, err := svc.AddAction(ctx, admin, open.ID, attest.Task{Title: "Add a canary check for DNS changes", OwnerID: employee,
		DueOn: day(now.AddDate(0, 0, 5)), Priority: "high"}); err != nil {
		return err
	}

	// Last year's tabletop (the next is due within weeks) and a live DR test.
	tabletop, err := svc.RecordExercise(ctx, admin, attest.Exercise{Kind: attest.ExerciseIncidentResponse, Format: attest.ExerciseTabletop,
		HeldOn: day(now.AddDate(0, -11, -12)), Title: "Ransomware on a Friday night",
		Scenario:     "Engineering laptops are encrypted and a ransom note names our production database. Who decides, who talks to customers, what do we restore first?",
		Participants: []string{"Ada Admin", "Max Manager", "Emma Employee", "Noor (legal)"},
		Findings:     "The on-call list was out of date; nobody knew who calls the insurer; the status page login was on one person's laptop."})
	if err != nil {
		return err
	}
	insurer, err := svc.AddFollowUp(ctx, admin, tabletop.ID, attest.Task{Title: "Name the insurer contact in the incident response plan",
		OwnerID: manager, DueOn: day(now.AddDate(0, -10, 0)), Priority: "medium"})
	if err != nil {
		return err
	}
	if _, err := svc.AddFollowUp(ctx, admin, tabletop.ID, attest.Task{Title: "Move the status page login into the shared password manager",
		OwnerID: employee, DueOn: day(now.AddDate(0, 0, 20)), Priority: "low"}); err != nil {
		return err
	}
	done = append(done, insurer)
	if err := db.Update(ctx, func(tx *store.Queries) error {
		for _, t := range done {
			t.Status = attest.TaskDone
			if err := tx.UpdateTask(ctx, &t); err != nil {
				return err
			}
			if err := tx.Log(ctx, admin.Record("task.status_changed", "task", strconv.FormatInt(t.ID, 10), "“"+t.Title+"”: open → done")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	_, err = svc.RecordExercise(ctx, admin, attest.Exercise{Kind: attest.ExerciseDisasterRecovery, Format: attest.ExerciseLive,
		HeldOn: day(now.AddDate(0, -5, 0)), Title: "Restore production from backup into a clean account",
		Scenario:     "The primary region and its account are lost. Restore the database from the latest backup into a fresh account and serve traffic.",
		Participants: []string{"Ada Admin", "Emma Employee"},
		Findings:     "Restored in 3h 10m against a 4h objective; the backup key was only in the lost account."})
	return err
}
