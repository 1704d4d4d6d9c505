package attest

import (
	"slices"
	"strings"
	"time"
)

// An Audit is one engagement of a CPA firm: a framework in scope, a type
// (Type 1 judges the design of controls as of a date, Type 2 their operation
// over a window of 3 to 12 months), the firm and its people, and a status.
// Auditors of the firm are let into one audit by a grant, not a role of the
// organization: they see what the audit covers and nothing else, until it
// closes. Closed audits stay readable to the organization's members.
type Audit struct {
	ID        int64       `json:"id"`
	OrgID     int64       `json:"-"`
	Name      string      `json:"name"`
	Framework string      `json:"framework"` // a framework ID of the catalog: soc2, iso27001
	Type      AuditType   `json:"type"`
	AsOf      string      `json:"as_of,omitempty"`        // Type 1: YYYY-MM-DD
	From      string      `json:"from,omitempty"`         // Type 2: the window's first day, YYYY-MM-DD
	To        string      `json:"to,omitempty"`           // Type 2: its last day
	Firm      string      `json:"firm"`                   // the audit firm's name
	Early     string      `json:"early_access,omitempty"` // optional: auditors may enter from this day for a readiness pass
	Status    AuditStatus `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	ClosedAt  time.Time   `json:"closed_at,omitzero"`
}

// AuditType is Type 1 or Type 2.
type AuditType string

const (
	AuditType1 AuditType = "type1"
	AuditType2 AuditType = "type2"
)

// Label is the type as reports name it.
func (t AuditType) Label() string {
	switch t {
	case AuditType1:
		return "Type 1"
	case AuditType2:
		return "Type 2"
	}
	return string(t)
}

// AuditStatus is where an audit stands. It only moves forward: planning,
// fieldwork, reporting, closed.
type AuditStatus string

const (
	AuditPlanning  AuditStatus = "planning"
	AuditFieldwork AuditStatus = "fieldwork"
	AuditReporting AuditStatus = "reporting"
	AuditClosed    AuditStatus = "closed"
)

// AuditStatuses lists the statuses in the order an audit passes through them.
var AuditStatuses = []AuditStatus{AuditPlanning, AuditFieldwork, AuditReporting, AuditClosed}

// Label is the status's display name.
func (s AuditStatus) Label() string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// ParseAuditStatus validates a status name.
func ParseAuditStatus(s string) (AuditStatus, error) {
	st := AuditStatus(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(AuditStatuses, st) {
		return "", Invalid("status", "must be one of planning, fieldwork, reporting, closed (got %q)", s)
	}
	return st, nil
}

// NextStatus checks a change of status: forward only, one or more steps, so
// a closed audit stays closed and its auditors stay out.
func (a Audit) NextStatus(to AuditStatus) error {
	from := slices.Index(AuditStatuses, a.Status)
	next := slices.Index(AuditStatuses, to)
	if next < 0 {
		return Invalid("status", "must be one of planning, fieldwork, reporting, closed (got %q)", to)
	}
	if next <= from {
		return Invalid("status", "an audit moves forward only: it is %s and cannot become %s", a.Status, to)
	}
	return nil
}

// Window is the audit's first and last day: for Type 1 both are the as-of day.
func (a Audit) Window() (from, to string) {
	if a.Type == AuditType1 {
		return a.AsOf, a.AsOf
	}
	return a.From, a.To
}

// Period describes the window in words: "as of 2026-06-30" or
// "2026-01-01 to 2026-06-30".
func (a Audit) Period() string {
	if a.Type == AuditType1 {
		return "as of " + a.AsOf
	}
	return a.From + " to " + a.To
}

// Normalize trims the audit's text and checks it: a name, a framework, a
// type with its dates (Type 2 over 3 to 12 months), an early-access day no
// later than the window's end. Errors name the field.
func (a *Audit) Normalize() error {
	a.Name = strings.TrimSpace(a.Name)
	a.Firm = strings.TrimSpace(a.Firm)
	a.Framework = strings.TrimSpace(a.Framework)
	a.AsOf, a.From, a.To, a.Early = strings.TrimSpace(a.AsOf), strings.TrimSpace(a.From), strings.TrimSpace(a.To), strings.TrimSpace(a.Early)
	if a.Status == "" {
		a.Status = AuditPlanning
	}
	switch {
	case a.Name == "":
		return Invalid("name", "is required")
	case len(a.Name) > 200:
		return Invalid("name", "is longer than 200 characters")
	case a.Framework == "":
		return Invalid("framework", "is required")
	case len(a.Firm) > 200:
		return Invalid("firm", "is longer than 200 characters")
	case !slices.Contains(AuditStatuses, a.Status):
		return Invalid("status", "must be one of planning, fieldwork, reporting, closed (got %q)", a.Status)
	}
	day := func(field, v string) (time.Time, error) {
		t, err := time.Parse(DateLayout, v)
		if err != nil {
			return t, Invalid(field, "must be a date as YYYY-MM-DD (got %q)", v)
		}
		return t, nil
	}
	var end time.Time
	switch a.Type {
	case AuditType1:
		t, err := day("as_of", a.AsOf)
		if err != nil {
			return err
		}
		a.From, a.To, end = "", "", t
	case AuditType2:
		f, err := day("from", a.From)
		if err != nil {
			return err
		}
		t, err := day("to", a.To)
		if err != nil {
			return err
		}
		// 3 to 12 months, counted as calendar months from the first day:
		// 2026-01-01 to 2026-03-31 is three months, to 2026-12-31 twelve.
		if t.Before(f.AddDate(0, 3, -1)) {
			return Invalid("to", "a Type 2 window lasts at least 3 months (from %s, the last day is %s at the earliest)", a.From, f.AddDate(0, 3, -1).Format(DateLayout))
		}
		if t.After(f.AddDate(0, 12, -1)) {
			return Invalid("to", "a Type 2 window lasts at most 12 months (from %s, the last day is %s at the latest)", a.From, f.AddDate(0, 12, -1).Format(DateLayout))
		}
		a.AsOf, end = "", t
	default:
		return Invalid("type", "must be type1 or type2 (got %q)", a.Type)
	}
	if a.Early != "" {
		e, err := day("early_access", a.Early)
		if err != nil {
			return err
		}
		if e.After(end) {
			return Invalid("early_access", "is after the audit's last day (%s)", end.Format(DateLayout))
		}
	}
	return nil
}

// OpenToAuditors reports whether the audit's invited auditors may enter at
// now: from fieldwork on, or from the early-access day during planning, and
// never once it is closed.
func (a Audit) OpenToAuditors(now time.Time) bool {
	switch a.Status {
	case AuditClosed:
		return false
	case AuditPlanning:
		return a.Early != "" && now.UTC().Format(DateLayout) >= a.Early
	}
	return true
}

// GrantAudit is the kind of grant that lets an auditor into one audit.
const GrantAudit = "audit"

// AuditGrant returns the principal's grant to an audit, if any.
func (p Principal) AuditGrant(auditID int64) bool {
	return slices.Contains(p.Grants, Grant{Kind: GrantAudit, ID: auditID})
}

// Guest reports whether the principal acts in its organization by grants
// alone, without a role: an auditor of one audit.
func (p Principal) Guest() bool { return p.OrgID != 0 && p.Role == "" && len(p.Grants) > 0 }

// MayReadAudit reports whether p may see the audit and what it covers:
// members who read the organization's data see every audit (open or closed);
// an invited auditor sees theirs while it is open to auditors (the grant is
// issued only then, see store.AuditGrants).
func (p Principal) MayReadAudit(auditID int64) bool {
	return p.Can(ActRead) || p.AuditGrant(auditID)
}

// RequireAudit is MayReadAudit as an error. Anyone else in the organization
// is forbidden; the audit of another organization is not found, by the query.
func (p Principal) RequireAudit(auditID int64) error {
	if !p.MayReadAudit(auditID) {
		return Errorf(EFORBIDDEN, "you are not an auditor of this audit")
	}
	return nil
}

// AuditVisibility is the filter for lists of audits: all of them for members
// who read the organization's data, the granted ones for an invited auditor,
// none for anyone else.
func (p Principal) AuditVisibility() (all bool, ids []int64) {
	if p.Can(ActRead) {
		return true, nil
	}
	for _, g := range p.Grants {
		if g.Kind == GrantAudit {
			ids = append(ids, g.ID)
		}
	}
	return false, ids
}

// AsAuditor is the principal an invited auditor of the audit would be: the
// "preview as auditor" of the audit pages renders through it, so the preview
// applies the same rules as the real thing.
func (p Principal) AsAuditor(auditID int64) Principal {
	return Principal{UserID: p.UserID, Label: p.Label, OrgID: p.OrgID, Grants: []Grant{{Kind: GrantAudit, ID: auditID}}, IP: p.IP, Via: p.Via}
}

// AuditorOf is an auditor let into an audit: invited by email, joined once
// they accept (UserID set).
type AuditorOf struct {
	AuditID   int64     `json:"audit_id"`
	UserID    int64     `json:"user_id,omitempty"`
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`
	InvitedAt time.Time `json:"invited_at"`
	JoinedAt  time.Time `json:"joined_at,omitzero"`
}

// VersionsInForce keeps the published versions of one policy that were in
// force at some moment of [since, until): published before until, and not
// replaced by a later publication before since. An auditor of a Type 2 window
// reads each text that governed part of it; of a Type 1 (since zero), the
// one in force at its date.
func VersionsInForce(versions []PolicyVersion, since, until time.Time) []PolicyVersion {
	var published []PolicyVersion
	for _, v := range versions {
		if v.PublishedAt != nil {
			published = append(published, v)
		}
	}
	slices.SortStableFunc(published, func(a, b PolicyVersion) int { return a.PublishedAt.Compare(*b.PublishedAt) })
	var out []PolicyVersion
	for i, v := range published {
		if !v.PublishedAt.Before(until) {
			break
		}
		if i+1 < len(published) && published[i+1].PublishedAt.Before(until) && !published[i+1].PublishedAt.After(since) {
			continue // replaced before the period began (Type 1: at or before its date)
		}
		out = append(out, v)
	}
	return out
}
