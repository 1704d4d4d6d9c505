package cli

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/programme"
)

// runAuditCreate starts an audit in planning and prints its ID.
func runAuditCreate(e *env, args []string) error {
	f, slug := orgFlags("audit create", e)
	name := f.fs.String("name", "", "the audit's name")
	framework := f.fs.String("framework", "soc2", "the framework audited: soc2 or iso27001")
	typ := f.fs.String("type", "type2", "type1 (as of a date) or type2 (over a window)")
	asOf := f.fs.String("as-of", "", "Type 1: the date, YYYY-MM-DD")
	from := f.fs.String("from", "", "Type 2: the window's first day")
	to := f.fs.String("to", "", "Type 2: the window's last day (3 to 12 months on)")
	firm := f.fs.String("firm", "", "the audit firm")
	early := f.fs.String("early-access", "", "optional: from this day, during planning, invited auditors may enter")
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.Audits.Create(e.ctx, cliPrincipal(org.ID), attest.Audit{Name: *name, Framework: *framework, Type: attest.AuditType(*typ),
		AsOf: *asOf, From: *from, To: *to, Firm: *firm, Early: *early})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "audit %d: %s, %s %s %s, %s\n", a.ID, a.Name, a.Framework, a.Type.Label(), a.Period(), a.Status)
	return nil
}

// runAuditList prints the organization's audits.
func runAuditList(e *env, args []string) error {
	f, slug := orgFlags("audit list", e)
	asJSON := f.fs.Bool("json", false, "print JSON")
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Audits.List(e.ctx, cliPrincipal(org.ID))
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"audits": list})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tFRAMEWORK\tTYPE\tPERIOD\tFIRM\tSTATUS")
	for _, a := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Name, a.Framework, a.Type.Label(), a.Period(), a.Firm, a.Status)
	}
	return tw.Flush()
}

// auditFlag reads --audit as an ID.
func auditFlag(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("--audit must be an audit's ID (attest audit list), got %q", v)
	}
	return id, nil
}

// auditCommand opens the organization for a command on one audit (its
// request list, its results) and reads --audit.
func auditCommand(e *env, name string, args []string, define func(f *flags)) (*app.Services, attest.Principal, int64, error) {
	f, slug := orgFlags(name, e)
	audit := f.fs.String("audit", "", "the audit's ID (attest audit list)")
	define(f)
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return nil, attest.Principal{}, 0, err
	}
	id, err := auditFlag(*audit)
	if err != nil {
		s.Close()
		return nil, attest.Principal{}, 0, err
	}
	return s, cliPrincipal(org.ID), id, nil
}

// runAuditShow prints what an audit covers: its controls and evidence.
func runAuditShow(e *env, args []string) error {
	f, slug := orgFlags("audit show", e)
	audit := f.fs.String("audit", "", "the audit's ID")
	asJSON := f.fs.Bool("json", false, "print JSON")
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := auditFlag(*audit)
	if err != nil {
		return err
	}
	ws, err := s.Audits.Workspace(e.ctx, cliPrincipal(org.ID), id)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, ws)
	}
	a := ws.Audit
	fmt.Fprintf(e.stdout, "%s: %s %s %s, %s, firm %q\n", a.Name, a.Framework, a.Type.Label(), a.Period(), a.Status, a.Firm)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROL\tSTATUS\tEVIDENCE\tREQUIREMENTS")
	for _, c := range ws.Controls {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%v\n", c.Ref, c.Status, c.Evidence, c.Criteria)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d evidence items in the period; %d auditors invited\n%s\n", len(ws.Items), len(ws.Auditors), ws.ReportDay.Sentence())
	return nil
}

// runAuditStatus moves an audit forward: fieldwork, reporting, closed.
func runAuditStatus(e *env, args []string) error {
	f, slug := orgFlags("audit status", e)
	audit := f.fs.String("audit", "", "the audit's ID")
	to := f.fs.String("to", "", "the new status: fieldwork, reporting or closed (forward only)")
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := auditFlag(*audit)
	if err != nil {
		return err
	}
	a, err := s.Audits.Update(e.ctx, cliPrincipal(org.ID), id, programme.AuditChange{Status: to})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "audit %d is %s\n", a.ID, a.Status)
	return nil
}

// runAuditInvite invites an auditor into one audit and prints the link,
// the only copy of its secret.
func runAuditInvite(e *env, args []string) error {
	f, slug := orgFlags("audit invite", e)
	audit := f.fs.String("audit", "", "the audit's ID")
	email := f.fs.String("email", "", "the auditor's email")
	as := f.fs.String("as", "", "the inviting member's email (an admin or manager): invitations are sent by a person")
	base := f.fs.String("base-url", "http://127.0.0.1:8080", "the install's address, for the link")
	s, org, err := f.openOrgCommand(args, slug, app.Needs{})
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := auditFlag(*audit)
	if err != nil {
		return err
	}
	if *as == "" {
		return usagef("--as EMAIL is required: invitations are sent by a person")
	}
	p, err := asMember(e, s, org, *as)
	if err != nil {
		return err
	}
	inv, secret, err := s.Audits.InviteAuditor(e.ctx, p, id, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "invited %s into audit %d until %s; send them this link (shown once):\n%s/invitations/%s\n",
		inv.Email, id, inv.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"), *base, secret)
	return nil
}

// runAuditRevoke ends an invited auditor's access to one audit, as "End
// access" on its page does; a pending invitation no longer lets them in.
func runAuditRevoke(e *env, args []string) error {
	var email *string
	s, p, id, err := auditCommand(e, "audit revoke", args, func(f *flags) {
		email = f.fs.String("email", "", "the auditor's email")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	if strings.TrimSpace(*email) == "" {
		return usagef("--email is required: the auditor whose access ends")
	}
	if err := s.Audits.RemoveAuditor(e.ctx, p, id, *email); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "the access of %s to audit %d has ended\n", attest.NormalizeEmail(*email), id)
	return nil
}

// runAuditResults prints the result of each control in the audit's scope:
// pass, deviation (with the root cause), not occurring or not tested, then
// each deviation item with its key and root cause, as the results page
// shows them.
func runAuditResults(e *env, args []string) error {
	var asJSON *bool
	s, p, id, err := auditCommand(e, "audit results", args, func(f *flags) {
		asJSON = f.fs.Bool("json", false, "print JSON (as GET /api/v1/orgs/SLUG/audits/ID/results)")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Audits.Results(e.ctx, p, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, res)
	}
	a := res.Audit
	fmt.Fprintf(e.stdout, "%s: %s %s %s, %s\n", a.Name, a.Framework, a.Type.Label(), a.Period(), a.Status)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROL\tRESULT\tDEVIATIONS\tFIXED IN TIME\tPOPULATIONS\tROOT CAUSE")
	counts := map[string]int{}
	for _, c := range res.Controls {
		counts[c.Result]++
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", c.Ref, strings.ReplaceAll(c.Result, "_", " "), len(c.Deviations), c.Remediated, c.Populations, orNone(c.RootCause, "-"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := printDeviationItems(e, res.Controls); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d pass, %d deviation, %d not occurring, %d not tested (failures fixed within %d days are not deviations)\n",
		counts[attest.AuditResultPass], counts[attest.AuditResultDeviation], counts[attest.AuditResultNotOccurring], counts[attest.AuditResultNotTested], res.Days)
	if res.HistoryCut {
		fmt.Fprintln(e.stdout, "warning: the monitoring history was longer than the results read; its oldest changes were left out, so a pass may not be proven")
	}
	return nil
}

// printDeviationItems lists each deviation item under its control, with
// the key that attest audit root-cause --item takes and the item's root
// cause; nothing when no control deviates.
func printDeviationItems(e *env, controls []attest.ControlResult) error {
	var tw *tabwriter.Writer
	for _, c := range controls {
		for _, d := range c.Deviations {
			if tw == nil {
				fmt.Fprintln(e.stdout)
				tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "CONTROL\tITEM KEY\tITEM\tITEM ROOT CAUSE")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Ref, d.Key, d.Item, orNone(d.RootCause, "-"))
		}
	}
	if tw == nil {
		return nil
	}
	return tw.Flush()
}

// runAuditRootCause records (or, with --clear, removes) the root cause of a
// control's deviation in an audit, or with --item of one of its deviation
// items.
func runAuditRootCause(e *env, args []string) error {
	var control, item, text *string
	var clearIt *bool
	s, p, id, err := auditCommand(e, "audit root-cause", args, func(f *flags) {
		control = f.fs.String("control", "", "the control's reference, e.g. CC6.2 (attest audit results)")
		item = f.fs.String("item", "", "a deviation item's key (ITEM KEY in attest audit results): record the item's root cause instead of the control's")
		text = f.fs.String("text", "", "why the control deviated (at most 2000 characters)")
		clearIt = f.fs.Bool("clear", false, "remove the root cause recorded instead")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	switch {
	case *control == "":
		return usagef("--control is required: the control's reference (attest audit results)")
	case *clearIt && *text != "":
		return usagef("give --text or --clear, not both")
	case !*clearIt && strings.TrimSpace(*text) == "":
		return usagef("--text is required (or --clear to remove the root cause recorded)")
	}
	// The audit's controls, not its results: judging every control only
	// to find one ID would read the whole monitoring history.
	_, scope, err := s.Audits.ScopeControls(e.ctx, p, id)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(scope, func(c programme.WorkspaceControl) bool { return strings.EqualFold(c.Ref, *control) })
	if i < 0 {
		return usagef("--control %s is not a control of audit %d (attest audit results lists them)", *control, id)
	}
	if *item != "" {
		ctl, err := s.Audits.RecordItemCause(e.ctx, p, id, scope[i].ID, *item, *text)
		if err != nil {
			return rootCauseFlagError(err)
		}
		if *text == "" {
			fmt.Fprintf(e.stdout, "cleared the root cause of %s's item %s in audit %d\n", ctl.Ref, *item, id)
			return nil
		}
		fmt.Fprintf(e.stdout, "recorded the root cause of %s's item %s in audit %d\n", ctl.Ref, *item, id)
		return nil
	}
	ctl, err := s.Audits.RecordRootCause(e.ctx, p, id, scope[i].ID, *text)
	if err != nil {
		return rootCauseFlagError(err)
	}
	if ctl.RootCause == "" {
		fmt.Fprintf(e.stdout, "cleared the root cause of %s in audit %d\n", ctl.Ref, id)
		return nil
	}
	fmt.Fprintf(e.stdout, "recorded the root cause of %s's deviation in audit %d\n", ctl.Ref, id)
	return nil
}

// rootCauseFlagError names the flag for the service's field: root_cause
// is --text.
func rootCauseFlagError(err error) error {
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.Field == "" {
		return err
	}
	flag := map[string]string{"root_cause": "--text", "control": "--control", "item": "--item"}[ae.Field]
	if flag == "" {
		return err
	}
	return fmt.Errorf("%s: %s", flag, ae.Message)
}
