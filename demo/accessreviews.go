package demo

import (
	"context"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/store"
)

// seedAccessReviews runs two access reviews through the service: last
// quarter's, over the billing database's uploaded account list, decided and
// completed (its report is evidence); and this quarter's, over the identity
// providers' latest collections (or, without them, the production console's
// list), started and partly decided.
func seedAccessReviews(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	if opts.AccessReviews == nil || opts.Evidence == nil {
		return nil
	}
	existing, err := db.AccessReviews(ctx, attest.Visibility{OrgID: org.ID})
	if err != nil || len(existing) > 0 {
		return err
	}
	as := func(role attest.Role) attest.Principal {
		u := users[role]
		return attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: role, Via: attest.ViaSystem}
	}
	admin, manager, employee := as(attest.RoleAdmin), as(attest.RoleManager), as(attest.RoleEmployee)
	today := opts.Now()
	at := func(days int) *accessreview.Service {
		s := *opts.AccessReviews
		t := today.AddDate(0, 0, days)
		s.DB, s.Now = db.WithClock(func() time.Time { return t }), func() time.Time { return t }
		return &s
	}
	billing, err := accessreview.ParseAccounts(strings.NewReader("login,email,name,admin\n" +
		"ada.admin,admin@demo.attest.test,Ada Admin,yes\nmax.manager,manager@demo.attest.test,Max Manager,no\n" +
		"emma.employee,employee@demo.attest.test,Emma Employee,no\nreport-runner,,Nightly reports,no\nold-contractor,,Former contractor,yes\n"))
	if err != nil {
		return err
	}
	// Last quarter's review, completed three weeks ago.
	svc := at(-35)
	done, err := svc.Start(ctx, admin, accessreview.Start{Title: "Billing database, last quarter", DueOn: attest.Today(today.AddDate(0, 0, -21)),
		Upload: &accessreview.Upload{System: "Billing database", OwnerID: admin.UserID, Accounts: billing}})
	if err != nil {
		return err
	}
	d, err := svc.Get(ctx, admin, done.ID)
	if err != nil {
		return err
	}
	svc = at(-25)
	for _, it := range d.Items {
		decision, reason := attest.DecisionKeep, ""
		switch it.Login {
		case "old-contractor":
			decision, reason = attest.DecisionRevoke, "The contract ended in the spring; nobody uses this login."
		case "max.manager":
			decision, reason = attest.DecisionChange, "Read-only is enough for monthly reporting."
		}
		if _, err := svc.Decide(ctx, admin, done.ID, it.ID, decision, reason); err != nil {
			return err
		}
	}
	if _, err := at(-21).Complete(ctx, admin, done.ID); err != nil {
		return err
	}
	// This quarter's, over the identity providers when they were collected.
	svc = at(-3)
	start := accessreview.Start{Title: "Identity providers, this quarter", DueOn: attest.Today(today.AddDate(0, 0, 11))}
	conns, err := db.Connections(ctx, org.ID)
	if err != nil {
		return err
	}
	for _, c := range conns {
		if c.Type == "okta" || c.Type == "google" || c.Type == "github" {
			start.Systems = append(start.Systems, accessreview.SystemChoice{ConnectionID: c.ID, OwnerID: manager.UserID})
		}
	}
	open, err := svc.Start(ctx, admin, start)
	if len(start.Systems) == 0 || attest.ErrorCode(err) == attest.EINVALID {
		console, perr := accessreview.ParseAccounts(strings.NewReader("login,email,admin\nada.admin,admin@demo.attest.test,yes\n" +
			"emma.employee,employee@demo.attest.test,no\nbreakglass,,yes\n"))
		if perr != nil {
			return perr
		}
		start.Title, start.Systems = "Production console, this quarter", nil
		start.Upload = &accessreview.Upload{System: "Production console", OwnerID: manager.UserID, Accounts: console}
		open, err = svc.Start(ctx, admin, start)
	}
	if err != nil {
		return err
	}
	// Emma reviews one account she was given; the rest wait.
	if d, err = svc.Get(ctx, admin, open.ID); err != nil {
		return err
	}
	if len(d.Items) > 1 {
		if _, err := svc.Reassign(ctx, manager, open.ID, d.Items[0].ID, employee.UserID); err != nil {
			return err
		}
		if _, err := at(-1).Decide(ctx, employee, open.ID, d.Items[0].ID, attest.DecisionKeep, ""); err != nil {
			return err
		}
	}
	return nil
}
