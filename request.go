package attest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// An AuditRequest is one item of an audit's request list (what auditors call
// the PBC list, "provided by client"): something the auditor asks the
// organization to provide, with an owner who provides it, a due day and a
// status. The default list has one request per control in scope and period
// instance (DefaultRequests); auditors add their own, or import their firm's
// list from CSV.
type AuditRequest struct {
	ID        int64         `json:"id"`
	OrgID     int64         `json:"-"`
	AuditID   int64         `json:"audit_id"`
	Ref       string        `json:"ref"` // unique in the audit: a control's ref and period, or the auditor's own number
	ControlID int64         `json:"control_id,omitempty"`
	Control   string        `json:"control,omitempty"` // the control's ref, for display
	Period    string        `json:"period,omitempty"`  // 2026-Q1, 2026-03, or empty for the whole window
	Title     string        `json:"title"`
	Details   string        `json:"details,omitempty"`
	Expected  string        `json:"expected,omitempty"` // the evidence the request expects
	Source    RequestSource `json:"source"`
	OwnerID   int64         `json:"owner_id,omitempty"`
	Owner     string        `json:"owner,omitempty"` // the owner's name or email
	Due       string        `json:"due,omitempty"`   // YYYY-MM-DD
	Status    RequestStatus `json:"status"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
	// Counts, filled by lists.
	Attached int `json:"evidence_count"`
	Comments int `json:"comment_count"`
}

// RequestSource says where a request came from.
type RequestSource string

const (
	RequestGenerated RequestSource = "generated" // from the controls in scope
	RequestCustom    RequestSource = "custom"    // added by hand, by a member or an auditor
	RequestImported  RequestSource = "imported"  // from the audit firm's CSV
)

// RequestStatus is where a request stands.
type RequestStatus string

const (
	RequestOpen          RequestStatus = "open"
	RequestSubmitted     RequestStatus = "submitted"
	RequestAccepted      RequestStatus = "accepted"
	RequestFlagged       RequestStatus = "flagged"
	RequestNotApplicable RequestStatus = "not_applicable"
)

// RequestStatuses lists the statuses in the order a list shows them.
var RequestStatuses = []RequestStatus{RequestOpen, RequestFlagged, RequestSubmitted, RequestAccepted, RequestNotApplicable}

// Label is the status's display name.
func (s RequestStatus) Label() string {
	if s == RequestNotApplicable {
		return "Not applicable"
	}
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// RequestAction is something done to a request.
type RequestAction string

const (
	RequestComment RequestAction = "comment" // anyone working the audit: members who edit, its auditors
	RequestSubmit  RequestAction = "submit"  // a member provides it: evidence attached, or an answer
	RequestAccept  RequestAction = "accept"  // the auditor accepts what was provided
	RequestFlag    RequestAction = "flag"    // the auditor sends it back to its owner, with the reason
	RequestNA      RequestAction = "not_applicable"
	RequestAssign  RequestAction = "assign" // a member who edits sets the owner and due day
	// RequestCreate and RequestImport are the first event of a request's
	// history; they are not actions on an existing one.
	RequestCreate RequestAction = "created"
)

// A RequestEvent is one entry of a request's history: a comment, a change
// of status with its reason, an assignment. The history is append-only, so
// a flagged and resubmitted request keeps every round.
type RequestEvent struct {
	ID        int64         `json:"id"`
	RequestID int64         `json:"request_id"`
	At        time.Time     `json:"at"`
	ActorID   int64         `json:"-"`
	Actor     string        `json:"actor"` // name or email, as shown
	Auditor   bool          `json:"auditor"`
	Action    RequestAction `json:"action"`
	Status    RequestStatus `json:"status"` // the request's status after the event
	Text      string        `json:"text,omitempty"`
	Evidence  []int64       `json:"evidence,omitempty"` // attached by a submission
}

// MaxRequestText bounds a comment, reason or answer.
const MaxRequestText = 4000

// RequestTransition checks an action on a request in status from, taken by
// an invited auditor of the audit (auditor) or by a member, and returns the
// status after it. Accepting, flagging and marking not applicable are the
// auditor's judgement; providing is the organization's. A flag or a "not
// applicable" needs its reason; a submission needs evidence or an answer.
func RequestTransition(from RequestStatus, action RequestAction, auditor bool, text string, evidence int) (RequestStatus, error) {
	text = strings.TrimSpace(text)
	if len(text) > MaxRequestText {
		return from, Invalid("text", "is longer than %d characters", MaxRequestText)
	}
	judge := func() error {
		if !auditor {
			return Errorf(EFORBIDDEN, "only the audit's auditors %s a request", map[RequestAction]string{RequestAccept: "accept", RequestFlag: "flag", RequestNA: "mark not applicable"}[action])
		}
		return nil
	}
	switch action {
	case RequestComment:
		if text == "" {
			return from, Invalid("text", "is required: write the comment")
		}
		return from, nil
	case RequestSubmit:
		if auditor {
			return from, Errorf(EFORBIDDEN, "the organization provides a request; its auditors accept or flag it")
		}
		if from != RequestOpen && from != RequestFlagged {
			return from, Invalid("action", "the request is %s: only an open or flagged request is submitted", from.Label())
		}
		if evidence == 0 && text == "" {
			return from, Invalid("evidence", "attach evidence or write an answer before submitting")
		}
		return RequestSubmitted, nil
	case RequestAccept:
		if err := judge(); err != nil {
			return from, err
		}
		if from != RequestSubmitted {
			return from, Invalid("action", "the request is %s: only a submitted request is accepted", from.Label())
		}
		return RequestAccepted, nil
	case RequestFlag:
		if err := judge(); err != nil {
			return from, err
		}
		// Flagging is also how an accepted or "not applicable" request is
		// reopened: it goes back to its owner with the reason.
		if from == RequestOpen || from == RequestFlagged {
			return from, Invalid("action", "the request is %s: nothing was provided to flag", from.Label())
		}
		if text == "" {
			return from, Invalid("text", "is required: say what is wrong, so the owner can fix it")
		}
		return RequestFlagged, nil
	case RequestNA:
		if err := judge(); err != nil {
			return from, err
		}
		if from == RequestAccepted || from == RequestNotApplicable {
			return from, Invalid("action", "the request is %s already", from.Label())
		}
		if text == "" {
			return from, Invalid("text", "is required: say why the request does not apply")
		}
		return RequestNotApplicable, nil
	case RequestAssign:
		if auditor {
			return from, Errorf(EFORBIDDEN, "the organization assigns its requests")
		}
		return from, nil
	}
	return from, Invalid("action", "must be comment, submit, accept, flag, not_applicable or assign (got %q)", action)
}

// Normalize trims a request added by hand or imported and checks it; errors
// name the field.
func (r *AuditRequest) Normalize() error {
	r.Ref, r.Title = strings.TrimSpace(r.Ref), strings.TrimSpace(r.Title)
	r.Details, r.Expected = strings.TrimSpace(r.Details), strings.TrimSpace(r.Expected)
	r.Period, r.Due = strings.TrimSpace(r.Period), strings.TrimSpace(r.Due)
	switch {
	case r.Title == "":
		return Invalid("title", "is required")
	case len(r.Title) > 300:
		return Invalid("title", "is longer than 300 characters")
	case len(r.Ref) > 60:
		return Invalid("ref", "is longer than 60 characters")
	case len(r.Period) > 40:
		return Invalid("period", "is longer than 40 characters")
	case len(r.Details) > MaxRequestText:
		return Invalid("details", "is longer than %d characters", MaxRequestText)
	case len(r.Expected) > MaxRequestText:
		return Invalid("expected", "is longer than %d characters", MaxRequestText)
	}
	if r.Due != "" {
		if _, err := time.Parse(DateLayout, r.Due); err != nil {
			return Invalid("due", "must be a date as YYYY-MM-DD (got %q)", r.Due)
		}
	}
	if r.Status == "" {
		r.Status = RequestOpen
	}
	return nil
}

// RequestControl is what the default list needs of a control in scope.
type RequestControl struct {
	ID        int64
	Ref       string
	Name      string
	Frequency string
	Evidence  []string // the evidence the control expects
	OwnerID   int64
}

// RequestDueDays is how long after a period's end its evidence is due: two
// weeks, long enough to gather a period's records once it is complete.
const RequestDueDays = 14

// RequestPeriod is one period instance of a control in an audit's window.
type RequestPeriod struct {
	Label string // "" for the whole window
	Due   string
}

// RequestPeriods splits an audit's window into the instances a control of
// the given frequency is asked for: one per quarter for quarterly controls
// and one per month for monthly ones (each overlapping the window); one for
// the whole window otherwise: annual controls operate once, and for
// controls that operate weekly or more often, or per event, the auditor
// tests a sample of the window's population rather than every instance. A
// Type 1 audit asks once, as of its date. Each is due RequestDueDays after
// it ends.
func RequestPeriods(a Audit, frequency string) []RequestPeriod {
	from, to := a.Window()
	start, err1 := time.Parse(DateLayout, from)
	end, err2 := time.Parse(DateLayout, to)
	if err1 != nil || err2 != nil || end.Before(start) {
		return nil
	}
	due := func(last time.Time) string { return last.AddDate(0, 0, RequestDueDays).Format(DateLayout) }
	whole := []RequestPeriod{{Due: due(end)}}
	if a.Type != AuditType2 {
		return whole
	}
	var out []RequestPeriod
	switch frequency {
	case "quarterly":
		q := time.Date(start.Year(), time.Month((int(start.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
		for ; !q.After(end); q = q.AddDate(0, 3, 0) {
			last := q.AddDate(0, 3, -1)
			out = append(out, RequestPeriod{Label: fmt.Sprintf("%d-Q%d", q.Year(), (int(q.Month())-1)/3+1), Due: due(minTime(last, end))})
		}
	case "monthly":
		m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		for ; !m.After(end); m = m.AddDate(0, 1, 0) {
			last := m.AddDate(0, 1, -1)
			out = append(out, RequestPeriod{Label: m.Format("2006-01"), Due: due(minTime(last, end))})
		}
	default:
		return whole
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// DefaultRequests is an audit's default request list: one request per
// control in scope and period instance (RequestPeriods), owned by the
// control's owner, asking for the evidence the control expects. Refs are the
// control's ref, with "/" and the period for controls asked more than once,
// so that generating again after the scope grew adds only what is missing.
func DefaultRequests(a Audit, controls []RequestControl) []AuditRequest {
	var out []AuditRequest
	for _, c := range controls {
		expected := "Evidence that the control operated: " + strings.Join(c.Evidence, "; ")
		if len(c.Evidence) == 0 {
			expected = "Evidence that the control operated as described."
		}
		for _, p := range RequestPeriods(a, c.Frequency) {
			r := AuditRequest{OrgID: a.OrgID, AuditID: a.ID, Ref: c.Ref, ControlID: c.ID, Control: c.Ref, Period: p.Label,
				Title: c.Ref + " " + c.Name, Expected: expected, Source: RequestGenerated, OwnerID: c.OwnerID, Due: p.Due, Status: RequestOpen}
			switch {
			case p.Label != "":
				r.Ref += "/" + p.Label
				r.Title += " (" + p.Label + ")"
			case a.Type == AuditType1:
				r.Details = "As of " + a.AsOf + ": the control as designed and in place."
			case slices.Contains([]string{"continuous", "daily", "weekly", "per-event"}, c.Frequency):
				r.Details = "The population of the window (" + a.Period() + "), from which the auditor selects a sample, and the evidence for each item selected."
			}
			out = append(out, r)
		}
	}
	return out
}

// RequestCounts tallies requests by status.
func RequestCounts(list []AuditRequest) map[RequestStatus]int {
	out := map[RequestStatus]int{}
	for _, r := range list {
		out[r.Status]++
	}
	return out
}

// MayReviewRequests reports whether p judges the audit's requests
// (accept, flag, not applicable): its invited auditors, not the members who
// provide them.
func (p Principal) MayReviewRequests(auditID int64) bool {
	return p.Guest() && p.AuditGrant(auditID)
}
