package programme

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/requestlist"
	"github.com/attest-hq/attest/store"
)

// An audit's request list (PBC). Members who read the organization's data
// and the audit's invited auditors read it. Members who edit generate the
// default list, assign owners and due days, and provide requests (submit);
// the auditors add and import their own requests, comment, and judge what
// was provided: accept, flag with a reason, or mark not applicable. Every
// change is a line of the request's history and of the activity log.

// RequestList is an audit's requests with their tally by status.
type RequestList struct {
	Audit    attest.Audit                 `json:"audit"`
	Requests []attest.AuditRequest        `json:"requests"`
	Counts   map[attest.RequestStatus]int `json:"counts"`
}

// Requests lists the audit's requests for p.
func (s Audits) Requests(ctx context.Context, p attest.Principal, auditID int64, f store.RequestFilter) (RequestList, error) {
	var out RequestList
	a, err := s.Get(ctx, p, auditID)
	if err != nil {
		return out, err
	}
	if f.Status != "" && !containsStatus(f.Status) {
		return out, attest.Invalid("status", "must be one of open, submitted, accepted, flagged, not_applicable (got %q)", f.Status)
	}
	all, err := s.DB.Requests(ctx, p.OrgID, auditID, store.RequestFilter{})
	if err != nil {
		return out, err
	}
	out.Audit, out.Counts, out.Requests = a, attest.RequestCounts(all), []attest.AuditRequest{}
	for _, r := range all {
		if (f.Status == "" || r.Status == f.Status) && (f.OwnerID == 0 || r.OwnerID == f.OwnerID) {
			out.Requests = append(out.Requests, r)
		}
	}
	return out, nil
}

func containsStatus(st attest.RequestStatus) bool {
	for _, x := range attest.RequestStatuses {
		if x == st {
			return true
		}
	}
	return false
}

// writable loads the audit for a change to its request list: an open audit
// of p's organization that p may see.
func (s Audits) writable(ctx context.Context, tx *store.Queries, p attest.Principal, auditID int64) (attest.Audit, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return attest.Audit{}, err
	}
	a, err := tx.Audit(ctx, p.OrgID, auditID)
	if err != nil {
		return a, err
	}
	if a.Status == attest.AuditClosed {
		return a, attest.Invalid("audit", "the audit is closed; its request list stays as it was")
	}
	return a, nil
}

// mayAddRequests: members who edit, and the audit's auditors.
func mayAddRequests(p attest.Principal, auditID int64) error {
	if p.MayReviewRequests(auditID) {
		return nil
	}
	return p.Require(attest.ActEdit)
}

// GenerateRequests adds the default request list (attest.DefaultRequests)
// for the controls in the audit's scope, skipping the refs the audit already
// has, and returns how many were added.
func (s Audits) GenerateRequests(ctx context.Context, p attest.Principal, auditID int64) (int, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return 0, err
	}
	added := 0
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := s.writable(ctx, tx, p, auditID)
		if err != nil {
			return err
		}
		controls, err := tx.Controls(ctx, p.OrgID, store.ControlFilter{})
		if err != nil {
			return err
		}
		var rc []attest.RequestControl
		for _, c := range scopedControls(controls, a.Framework) {
			rc = append(rc, attest.RequestControl{ID: c.ID, Ref: c.Ref, Name: c.Name, Frequency: c.Frequency, Evidence: c.Evidence, OwnerID: c.OwnerID})
		}
		have, err := auditRefs(ctx, tx, p.OrgID, auditID)
		if err != nil {
			return err
		}
		for _, r := range attest.DefaultRequests(a, rc) {
			if have[strings.ToLower(r.Ref)] {
				continue
			}
			if err := s.createRequest(ctx, tx, p, &r); err != nil {
				return err
			}
			added++
		}
		return tx.Log(ctx, p.Record("audit.requests_generated", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("Generated the request list of %q: %d requests added", a.Name, added)))
	})
	return added, err
}

// auditRefs are the refs of the audit's requests, lower-cased: refs are
// compared regardless of case.
func auditRefs(ctx context.Context, tx *store.Queries, orgID, auditID int64) (map[string]bool, error) {
	existing, err := tx.Requests(ctx, orgID, auditID, store.RequestFilter{})
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range existing {
		have[strings.ToLower(r.Ref)] = true
	}
	return have, nil
}

// createRequest stores a request with the first line of its history.
func (s Audits) createRequest(ctx context.Context, tx *store.Queries, p attest.Principal, r *attest.AuditRequest) error {
	r.OrgID = p.OrgID
	if err := tx.CreateRequest(ctx, r); err != nil {
		return err
	}
	return tx.AddRequestEvent(ctx, p.OrgID, &attest.RequestEvent{RequestID: r.ID, ActorID: p.UserID, Actor: p.Label, Auditor: p.Guest(),
		Action: attest.RequestCreate, Status: r.Status, Text: string(r.Source)})
}

// AddRequest adds a request by hand: a member who edits or one of the
// audit's auditors. Without a ref it is numbered, … in the audit.
// A control, given by ID, must be the organization's; an owner must be a
// member who edits.
func (s Audits) AddRequest(ctx context.Context, p attest.Principal, auditID int64, r attest.AuditRequest) (attest.AuditRequest, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return r, err
	}
	if err := mayAddRequests(p, auditID); err != nil {
		return r, err
	}
	r.ID, r.AuditID, r.Source, r.Status = 0, auditID, attest.RequestCustom, attest.RequestOpen
	if err := r.Normalize(); err != nil {
		return r, err
	}
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := s.writable(ctx, tx, p, auditID)
		if err != nil {
			return err
		}
		if r.ControlID != 0 {
			if _, err := tx.Control(ctx, p.OrgID, r.ControlID); err != nil {
				return attest.Invalid("control", "control %d not found", r.ControlID)
			}
		}
		if err := checkRequestOwner(ctx, tx, p.OrgID, r.OwnerID, "owner"); err != nil {
			return err
		}
		if r.Ref == "" {
			have, err := auditRefs(ctx, tx, p.OrgID, auditID)
			if err != nil {
				return err
			}
			for n := len(have) + 1; ; n++ {
				if r.Ref = "R-" + strconv.Itoa(n); !have[strings.ToLower(r.Ref)] {
					break
				}
			}
		}
		if err := s.createRequest(ctx, tx, p, &r); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("audit.request_added", "audit_request", strconv.FormatInt(r.ID, 10),
			fmt.Sprintf("%s added the request %s %q to %q", p.Label, r.Ref, r.Title, a.Name)))
	})
	if err != nil {
		return r, err
	}
	return s.DB.Request(ctx, p.OrgID, auditID, r.ID)
}

// checkRequestOwner refuses an owner who is not a member of the organization who
// edits: the owner provides the request, which takes changing its evidence.
func checkRequestOwner(ctx context.Context, tx *store.Queries, orgID, userID int64, field string) error {
	if userID == 0 {
		return nil
	}
	m, err := tx.Membership(ctx, orgID, userID)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.Invalid(field, "is not a member of the organization")
	}
	if err != nil {
		return err
	}
	if !m.Role.Can(attest.ActEdit) {
		return attest.Invalid(field, "is a %s: a request's owner is an admin or a manager, who can provide its evidence", m.Role)
	}
	return nil
}

// ImportRequests adds the requests of an audit firm's CSV list
// (requestlist.Parse): all of them, or none when any row is refused.
// Control refs and owner emails are resolved against the organization,
// and a ref the audit already has is refused with its line.
func (s Audits) ImportRequests(ctx context.Context, p attest.Principal, auditID int64, file io.Reader) (int, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return 0, err
	}
	if err := mayAddRequests(p, auditID); err != nil {
		return 0, err
	}
	rows, err := requestlist.Parse(file)
	if err != nil {
		return 0, err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := s.writable(ctx, tx, p, auditID)
		if err != nil {
			return err
		}
		controls, err := tx.Controls(ctx, p.OrgID, store.ControlFilter{})
		if err != nil {
			return err
		}
		byRef := map[string]int64{}
		for _, c := range controls {
			byRef[strings.ToLower(c.Ref)] = c.ID
		}
		for _, row := range rows {
			r := row.Request
			r.AuditID, r.Status = auditID, attest.RequestOpen
			if row.Control != "" {
				if r.ControlID = byRef[strings.ToLower(row.Control)]; r.ControlID == 0 {
					return attest.Invalid("file", "line %d: control: %q is not a control of the organization", row.Line, row.Control)
				}
			}
			if row.Owner != "" {
				u, err := tx.UserByEmail(ctx, row.Owner)
				if err == nil {
					r.OwnerID = u.ID
					err = checkRequestOwner(ctx, tx, p.OrgID, u.ID, "owner")
				} else if attest.ErrorCode(err) == attest.ENOTFOUND {
					err = attest.Invalid("owner", "is not a member of the organization")
				}
				if err != nil {
					return attest.Invalid("file", "line %d: %v", row.Line, err)
				}
			}
			if err := s.createRequest(ctx, tx, p, &r); err != nil {
				if attest.ErrorCode(err) == attest.ECONFLICT {
					return attest.Invalid("file", "line %d: ref: the audit already has a request %q", row.Line, r.Ref)
				}
				return err
			}
		}
		return tx.Log(ctx, p.Record("audit.requests_imported", "audit", strconv.FormatInt(auditID, 10),
			fmt.Sprintf("%s imported %d requests into %q", p.Label, len(rows), a.Name)))
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// RequestDetail is one request with its history and attached evidence.
type RequestDetail struct {
	Audit    attest.Audit          `json:"audit"`
	Request  attest.AuditRequest   `json:"request"`
	Events   []attest.RequestEvent `json:"events"`
	Evidence []WorkspaceEvidence   `json:"evidence"`
}

// Request returns one request of the audit for p.
func (s Audits) Request(ctx context.Context, p attest.Principal, auditID, id int64) (RequestDetail, error) {
	var d RequestDetail
	a, err := s.Get(ctx, p, auditID)
	if err != nil {
		return d, err
	}
	d.Audit = a
	if d.Request, err = s.DB.Request(ctx, p.OrgID, auditID, id); err != nil {
		return d, err
	}
	if d.Events, err = s.DB.RequestEvents(ctx, p.OrgID, id); err != nil {
		return d, err
	}
	ids, err := s.DB.RequestEvidence(ctx, p.OrgID, id)
	if err != nil {
		return d, err
	}
	d.Evidence = []WorkspaceEvidence{}
	for _, eid := range ids {
		e, err := s.DB.Evidence(ctx, p.OrgID, eid)
		if err != nil {
			return d, err
		}
		var refs []string
		for _, c := range e.Controls {
			refs = append(refs, c.Ref)
		}
		d.Evidence = append(d.Evidence, WorkspaceEvidence{ID: e.ID, UID: e.UID, Title: e.Title, Kind: e.Kind, SHA256: e.SHA256, CollectedAt: e.CollectedAt, Controls: refs})
	}
	return d, nil
}

// RequestAct is an action on a request (attest.RequestTransition): its
// text (comment, answer, reason), the evidence a submission attaches, and
// an assignment's owner and due day (nil: unchanged).
type RequestAct struct {
	Action   attest.RequestAction
	Text     string
	Evidence []int64
	OwnerID  *int64
	Due      *string
}

// ActOnRequest applies an action to a request and appends it to the
// request's history.
func (s Audits) ActOnRequest(ctx context.Context, p attest.Principal, auditID, id int64, act RequestAct) (attest.AuditRequest, error) {
	if err := p.RequireAudit(auditID); err != nil {
		return attest.AuditRequest{}, err
	}
	auditor := p.MayReviewRequests(auditID)
	// Members: commenting and assigning take editing, as does providing;
	// members who only read follow the list.
	if !auditor {
		if err := p.Require(attest.ActEdit); err != nil {
			return attest.AuditRequest{}, err
		}
	}
	if act.Action != attest.RequestSubmit && len(act.Evidence) > 0 {
		return attest.AuditRequest{}, attest.Invalid("evidence", "evidence is attached by a submission")
	}
	var r attest.AuditRequest
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		a, err := s.writable(ctx, tx, p, auditID)
		if err != nil {
			return err
		}
		if r, err = tx.Request(ctx, p.OrgID, auditID, id); err != nil {
			return err
		}
		from := r.Status
		to, err := attest.RequestTransition(from, act.Action, auditor, act.Text, len(act.Evidence))
		if err != nil {
			return err
		}
		text := strings.TrimSpace(act.Text)
		if act.Action == attest.RequestAssign {
			if act.OwnerID != nil {
				if err := checkRequestOwner(ctx, tx, p.OrgID, *act.OwnerID, "owner"); err != nil {
					return err
				}
				r.OwnerID = *act.OwnerID
			}
			if act.Due != nil {
				probe := attest.AuditRequest{Title: r.Title, Due: *act.Due}
				if err := probe.Normalize(); err != nil {
					return err
				}
				r.Due = probe.Due
			}
			if text == "" {
				text = "owner " + ownerLabel(ctx, tx, r.OwnerID) + ", due " + orNone(r.Due)
			}
		}
		r.Status = to
		if err := tx.UpdateRequest(ctx, &r); err != nil {
			return err
		}
		ev := attest.RequestEvent{RequestID: r.ID, ActorID: p.UserID, Actor: p.Label, Auditor: auditor, Action: act.Action, Status: to, Text: text, Evidence: act.Evidence}
		if err := tx.AddRequestEvent(ctx, p.OrgID, &ev); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s: %s on the request %s of %q", p.Label, act.Action, r.Ref, a.Name)
		if to != from {
			summary = fmt.Sprintf("%s moved the request %s of %q from %s to %s", p.Label, r.Ref, a.Name, from, to)
		}
		return tx.Log(ctx, p.Record("audit.request_"+string(act.Action), "audit_request", strconv.FormatInt(r.ID, 10), summary))
	})
	if err != nil {
		return r, err
	}
	return s.DB.Request(ctx, p.OrgID, auditID, id)
}

func ownerLabel(ctx context.Context, tx *store.Queries, userID int64) string {
	if userID == 0 {
		return "none"
	}
	u, err := tx.UserByID(ctx, userID)
	if err != nil {
		return "#" + strconv.FormatInt(userID, 10)
	}
	return u.Email
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
