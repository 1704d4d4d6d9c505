package demo

import (
	"context"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

// seedRequests gives the demo audit its request list, once: the default
// list from the controls in scope, and requests at each step of their round
// trip, worked by the manager and the firm's auditor: one accepted with
// evidence, one flagged back with the reason and a reply, one awaiting
// review, and the auditor's own request, still open.
func seedRequests(ctx context.Context, db *store.DB, opts Options, org attest.Organization, users map[attest.Role]attest.User) error {
	svc := opts.Audits
	if svc == nil {
		return nil
	}
	audit, ok, err := openDemoAudit(ctx, db, org)
	if err != nil || !ok {
		return err
	}
	if have, err := db.Requests(ctx, org.ID, audit.ID, store.RequestFilter{}); err != nil || len(have) > 0 {
		return err
	}
	u := users[attest.RoleManager]
	manager := attest.Principal{UserID: u.ID, Label: u.Email, OrgID: org.ID, Role: attest.RoleManager, Via: attest.ViaSystem}
	firm, err := db.UserByEmail(ctx, demoFirmEmail)
	if err != nil {
		return err
	}
	auditor := attest.Principal{UserID: firm.ID, Label: firm.Email, OrgID: org.ID, Grants: []attest.Grant{{Kind: attest.GrantAudit, ID: audit.ID}}, Via: attest.ViaSystem}
	if _, err := svc.GenerateRequests(ctx, manager, audit.ID); err != nil {
		return err
	}
	list, err := db.Requests(ctx, org.ID, audit.ID, store.RequestFilter{})
	if err != nil {
		return err
	}
	// The first requests whose control has evidence get it; the others an
	// answer.
	var withEvidence []attest.AuditRequest
	var evidenceOf []int64
	for _, r := range list {
		if len(withEvidence) == 3 {
			break
		}
		ev, err := db.EvidenceList(ctx, org.ID, store.EvidenceFilter{ControlID: r.ControlID, Limit: 1})
		if err != nil {
			return err
		}
		if len(ev) > 0 {
			withEvidence = append(withEvidence, r)
			evidenceOf = append(evidenceOf, ev[0].ID)
		}
	}
	act := func(p attest.Principal, r attest.AuditRequest, a programme.RequestAct) error {
		_, err := svc.ActOnRequest(ctx, p, audit.ID, r.ID, a)
		return err
	}
	steps := []struct {
		who attest.Principal
		n   int
		act programme.RequestAct
	}{
		{manager, 0, programme.RequestAct{Action: attest.RequestSubmit, Text: "The export for the period, from the system itself."}},
		{auditor, 0, programme.RequestAct{Action: attest.RequestAccept}},
		{manager, 1, programme.RequestAct{Action: attest.RequestSubmit, Text: "Screenshot of the setting."}},
		{auditor, 1, programme.RequestAct{Action: attest.RequestFlag, Text: "The screenshot shows no date or system name; please send the export the system prints with its timestamp."}},
		{manager, 1, programme.RequestAct{Action: attest.RequestComment, Text: "Re-exporting it this week with the timestamp."}},
		{manager, 2, programme.RequestAct{Action: attest.RequestSubmit, Text: "Attached for the period."}},
	}
	for _, s := range steps {
		if s.n >= len(withEvidence) {
			continue
		}
		a := s.act
		if a.Action == attest.RequestSubmit {
			a.Evidence = []int64{evidenceOf[s.n]}
		}
		if err := act(s.who, withEvidence[s.n], a); err != nil {
			return err
		}
	}
	_, err = svc.AddRequest(ctx, auditor, audit.ID, attest.AuditRequest{Title: "Organization chart as of the window's first day",
		Expected: "The chart the HR system produces, with its date.", Due: audit.To})
	return err
}
