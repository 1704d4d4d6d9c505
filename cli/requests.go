package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/app"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
)

// An audit's request list from the command line, as a member who edits:
// generate the default list, add or import requests, list them, show one
// with its history, and act on one (comment, submit, assign). Accepting
// and flagging are the auditors', in the UI.

// runAuditRequestsGenerate adds the default requests the list lacks.
func runAuditRequestsGenerate(e *env, args []string) error {
	s, p, id, err := auditCommand(e, "audit requests generate", args, func(*flags) {})
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Audits.GenerateRequests(e.ctx, p, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d requests added from the controls in scope\n", n)
	return nil
}

// runAuditRequestsList prints the audit's requests.
func runAuditRequestsList(e *env, args []string) error {
	var status *string
	var asJSON *bool
	s, p, id, err := auditCommand(e, "audit requests list", args, func(f *flags) {
		status = f.fs.String("status", "", "only this status: open, submitted, accepted, flagged or not_applicable")
		asJSON = f.fs.Bool("json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	list, err := s.Audits.Requests(e.ctx, p, id, store.RequestFilter{Status: attest.RequestStatus(*status)})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREF\tTITLE\tOWNER\tDUE\tSTATUS\tEVIDENCE\tCOMMENTS")
	for _, r := range list.Requests {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", r.ID, r.Ref, r.Title, orNone(r.Owner, "-"), orNone(r.Due, "-"), r.Status, r.Attached, r.Comments)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var tally []string
	for _, st := range attest.RequestStatuses {
		tally = append(tally, fmt.Sprintf("%d %s", list.Counts[st], strings.ReplaceAll(string(st), "_", " ")))
	}
	fmt.Fprintln(e.stdout, strings.Join(tally, ", "))
	return nil
}

// memberID finds a member's user ID by email ("" is nobody).
func memberID(e *env, s *app.Services, email, flag string) (int64, error) {
	if email == "" {
		return 0, nil
	}
	u, err := s.DB.UserByEmail(e.ctx, attest.NormalizeEmail(email))
	if err != nil {
		return 0, fmt.Errorf("--%s %s: %w", flag, email, err)
	}
	return u.ID, nil
}

// runAuditRequestsAdd adds one request.
func runAuditRequestsAdd(e *env, args []string) error {
	var ref, title, details, expected, control, owner, due *string
	s, p, id, err := auditCommand(e, "audit requests add", args, func(f *flags) {
		title = f.fs.String("title", "", "what is asked")
		ref = f.fs.String("ref", "", "optional: its number in the list (default R-n)")
		details = f.fs.String("details", "", "optional: more on what is asked")
		expected = f.fs.String("expected", "", "optional: the evidence expected")
		control = f.fs.String("control", "", "optional: a control's ref")
		owner = f.fs.String("owner", "", "optional: the owner's email (an admin or manager)")
		due = f.fs.String("due", "", "optional: the due day, YYYY-MM-DD")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	r := attest.AuditRequest{Ref: *ref, Title: *title, Details: *details, Expected: *expected, Due: *due}
	if r.OwnerID, err = memberID(e, s, *owner, "owner"); err != nil {
		return err
	}
	if *control != "" {
		controls, err := s.DB.Controls(e.ctx, p.OrgID, store.ControlFilter{})
		if err != nil {
			return err
		}
		for _, c := range controls {
			if strings.EqualFold(c.Ref, *control) {
				r.ControlID = c.ID
			}
		}
		if r.ControlID == 0 {
			return usagef("--control %s is not a control of the organization", *control)
		}
	}
	r, err = s.Audits.AddRequest(e.ctx, p, id, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "request %d: %s %s\n", r.ID, r.Ref, r.Title)
	return nil
}

// runAuditRequestsImport imports an audit firm's request list from CSV:
// every row, or none.
func runAuditRequestsImport(e *env, args []string) error {
	var file *string
	s, p, id, err := auditCommand(e, "audit requests import", args, func(f *flags) {
		file = f.fs.String("file", "", "the CSV file: ref,title[,details,expected,control,period,due,owner]")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	if *file == "" {
		return usagef("--file is required")
	}
	fh, err := os.Open(*file)
	if err != nil {
		return fmt.Errorf("--file: %w", err)
	}
	defer fh.Close()
	n, err := s.Audits.ImportRequests(e.ctx, p, id, fh)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	fmt.Fprintf(e.stdout, "%d requests imported\n", n)
	return nil
}

// runAuditRequestsShow prints one request with its history.
func runAuditRequestsShow(e *env, args []string) error {
	var req *int64
	var asJSON *bool
	s, p, id, err := auditCommand(e, "audit requests show", args, func(f *flags) {
		req = f.fs.Int64("request", 0, "the request's ID")
		asJSON = f.fs.Bool("json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	d, err := s.Audits.Request(e.ctx, p, id, *req)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, d)
	}
	r := d.Request
	fmt.Fprintf(e.stdout, "%s: %s\nstatus %s, owner %s, due %s\n", r.Ref, r.Title, r.Status, orNone(r.Owner, "-"), orNone(r.Due, "-"))
	for _, ev := range d.Evidence {
		fmt.Fprintf(e.stdout, "evidence %d: %s (%s)\n", ev.ID, ev.Title, ev.SHA256)
	}
	for _, ev := range d.Events {
		who := ev.Actor
		if ev.Auditor {
			who += " (auditor)"
		}
		fmt.Fprintf(e.stdout, "%s  %s  %s → %s  %s\n", ev.At.Format("2006-01-02 15:04"), who, ev.Action, ev.Status, ev.Text)
	}
	return nil
}

// runAuditRequestsAct comments on, submits or assigns a request.
func runAuditRequestsAct(e *env, args []string) error {
	var req *int64
	var action, text, evidence, owner, due *string
	s, p, id, err := auditCommand(e, "audit requests act", args, func(f *flags) {
		req = f.fs.Int64("request", 0, "the request's ID")
		action = f.fs.String("action", "", "comment, submit or assign")
		text = f.fs.String("text", "", "the comment, or the submission's answer")
		evidence = f.fs.String("evidence", "", "submit: evidence IDs to attach, separated by commas")
		owner = f.fs.String("owner", "", "assign: the owner's email")
		due = f.fs.String("due", "", "assign: the due day, YYYY-MM-DD")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	act := programme.RequestAct{Action: attest.RequestAction(*action), Text: *text}
	for _, v := range strings.FieldsFunc(*evidence, func(r rune) bool { return r == ',' || r == ' ' }) {
		eid, err := strconv.ParseInt(v, 10, 64)
		if err != nil || eid <= 0 {
			return usagef("--evidence wants evidence IDs separated by commas, got %q", v)
		}
		act.Evidence = append(act.Evidence, eid)
	}
	if act.Action == attest.RequestAssign {
		uid, err := memberID(e, s, *owner, "owner")
		if err != nil {
			return err
		}
		act.OwnerID, act.Due = &uid, due
	}
	r, err := s.Audits.ActOnRequest(e.ctx, p, id, *req, act)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "request %d %s: %s\n", r.ID, r.Ref, r.Status)
	return nil
}
