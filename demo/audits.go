package demo

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// The demo's audit: a SOC 2 Type 2 in fieldwork over the six months up to
// the end of this month, with an auditor of the firm who has joined it and
// sees that audit alone. Before it, the Type 1 as of the day before its
// window, closed and still readable.
const (
	demoAuditName  = "SOC 2 Type 2 (demo)"
	demoType1Name  = "SOC 2 Type 1 (demo, closed)"
	demoFirmEmail  = "fran@firm.demo.attest.test"
	demoFirmPerson = "Fran Firm"
)

// seedAudits creates each of the demo's audits that is missing.
func seedAudits(ctx context.Context, env *Env) error {
	list, err := env.Tx.Audits(ctx, env.Org.ID, true, nil)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, a := range list {
		have[a.Name] = true
	}
	now := env.Now().UTC()
	end := time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, time.UTC) // the last day of this month
	// Six whole months: the first day of the month five months back (end
	// minus six months plus a day overflows for months shorter than end's).
	from := time.Date(end.Year(), end.Month()-5, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range []attest.Audit{
		{OrgID: env.Org.ID, Name: demoType1Name, Framework: "soc2", Type: attest.AuditType1,
			AsOf: from.AddDate(0, 0, -1).Format(attest.DateLayout), Firm: "Firm & Partners LLP", Status: attest.AuditClosed},
		{OrgID: env.Org.ID, Name: demoAuditName, Framework: "soc2", Type: attest.AuditType2,
			From: from.Format(attest.DateLayout), To: end.Format(attest.DateLayout), Firm: "Firm & Partners LLP", Status: attest.AuditFieldwork},
	} {
		if have[a.Name] {
			continue
		}
		if err := a.Normalize(); err != nil {
			return err
		}
		if err := env.Tx.CreateAudit(ctx, &a); err != nil {
			return err
		}
		if a.Status == attest.AuditClosed {
			if err := env.Tx.UpdateAudit(ctx, &a); err != nil { // stamps when it closed
				return err
			}
		}
		if err := env.Tx.Log(ctx, env.Actor.Record(env.Org.ID, "audit.created", "audit", "", "Created the audit "+a.Name)); err != nil {
			return err
		}
	}
	return nil
}

// openDemoAudit returns the demo's audit when it exists and is not closed
// (ok false otherwise): what the seeds of its testing and requests work on.
func openDemoAudit(ctx context.Context, db *store.DB, org attest.Organization) (audit attest.Audit, ok bool, err error) {
	audits, err := db.Audits(ctx, org.ID, true, nil)
	if err != nil {
		return audit, false, err
	}
	for _, a := range audits {
		if a.Name == demoAuditName && a.Status != attest.AuditClosed {
			return a, true, nil
		}
	}
	return audit, false, nil
}

// auditGuest gives the demo audit's firm auditor a fresh password and a
// joined grant on the audit: a login that shows what an invited auditor sees.
func auditGuest(ctx context.Context, tx *store.Queries, org attest.Organization, params auth.Params) (Login, error) {
	list, err := tx.Audits(ctx, org.ID, true, nil)
	if err != nil {
		return Login{}, err
	}
	var audit attest.Audit
	for _, a := range list {
		if a.Name == demoAuditName {
			audit = a
		}
	}
	if audit.ID == 0 || audit.Status == attest.AuditClosed {
		return Login{}, nil
	}
	password := auth.NewSecret("")[:16]
	hash, err := auth.HashPassword(password, params)
	if err != nil {
		return Login{}, err
	}
	u, err := tx.UserByEmail(ctx, demoFirmEmail)
	switch attest.ErrorCode(err) {
	case attest.ENOTFOUND:
		u = attest.User{Email: demoFirmEmail, Name: demoFirmPerson, PasswordHash: hash}
		err = tx.CreateUser(ctx, &u)
	case "":
		err = tx.SetPasswordHash(ctx, u.ID, hash)
	}
	if err != nil {
		return Login{}, err
	}
	if err := tx.AddAuditor(ctx, org.ID, audit.ID, u.Email); err != nil {
		return Login{}, err
	}
	if err := tx.JoinAuditor(ctx, org.ID, audit.ID, u.Email, u.ID); err != nil {
		return Login{}, err
	}
	return Login{Label: "firm", Email: u.Email, Password: password}, nil
}
