package attest

import (
	"fmt"
	"slices"
)

// Principal is who is acting in a request, a CLI command or a job: the user
// (none for the system), the organization acted in, the role there, and any
// grants that widen what the role reaches (an auditor of one audit has a
// grant and no role). It is built once per
// request (from a session or an API token) or once per command, and every
// service takes it: record-level rules and the activity entry both come from it.
type Principal struct {
	UserID int64  // 0 for the system, the CLI without an account, or an anonymous visitor
	Label  string // email, "cli:$USER", "system"
	OrgID  int64  // 0 outside an organization
	Role   Role   // "" outside an organization
	Grants []Grant
	IP     string
	Via    Via
}

// Grant extends a principal beyond its role for one record: an auditor of
// one audit (Kind GrantAudit, ID the audit's ID), who has no role in the
// organization. web.permit issues them while the audit is open to auditors;
// MayReadAudit and AuditVisibility apply them (audit.go).
type Grant struct {
	Kind string
	ID   int64
}

// SystemPrincipal acts for Attest itself or an operator at the command line:
// an admin of the organization without a user account.
func SystemPrincipal(orgID int64, label string, via Via) Principal {
	return Principal{OrgID: orgID, Role: RoleAdmin, Label: label, Via: via}
}

// Can reports whether the principal's role in its organization allows a.
func (p Principal) Can(a Action) bool { return p.OrgID != 0 && p.Role.Can(a) }

// Require is Can as an error: forbidden, naming the principal's role. Every
// service checks its actions with it.
func (p Principal) Require(a Action) error {
	if !p.Can(a) {
		return Errorf(EFORBIDDEN, "your role (%s) does not allow this", p.Role)
	}
	return nil
}

// Actor is the principal as the activity log records it.
func (p Principal) Actor() Actor {
	return Actor{UserID: p.UserID, Label: p.Label, IP: p.IP, Via: p.Via}
}

// Record builds an activity entry for a change made by p in its organization.
func (p Principal) Record(action, recordType, recordID, summary string) Activity {
	return p.Actor().Record(p.OrgID, action, recordType, recordID, summary)
}

// RecordKind names a kind of record that record-level rules apply to.
type RecordKind string

const (
	RecordTask    RecordKind = "task"
	RecordControl RecordKind = "control"
	// RecordAccessItem: an account of an access review campaign; its owner
	// is its reviewer.
	RecordAccessItem RecordKind = "access_review_item"
)

// Visibility is the one filter that narrows a list to what a principal may see.
// Store queries apply every non-zero field in SQL, so the UI, the API, the CLI
// and jobs list exactly the same records. OrgID is always set: every list is
// filtered by tenant.
type Visibility struct {
	OrgID   int64
	OwnerID int64 // only records owned by (assigned to) this user; 0: any owner
	None    bool  // the principal may see none of these records
}

// Visibility returns the filter for lists of kind k.
//
// Tasks, controls and access review items: members who may read the
// organization's data see every one; anyone else with their own-work access
// (employees) sees only those assigned to them (tasks, access review items,
// whose reviewer they are) or owned by them (controls).
func (p Principal) Visibility(k RecordKind) Visibility {
	v := Visibility{OrgID: p.OrgID}
	switch k {
	case RecordTask, RecordControl, RecordAccessItem:
		// Controls follow the same rule: control owners are often engineers
		// with the employee role, and they see the controls they own.
		switch {
		case p.Can(ActRead):
		case p.Can(ActOwn) && p.UserID != 0:
			v.OwnerID = p.UserID
		default:
			v.None = true
		}
	default:
		panic(fmt.Sprintf("attest: no visibility rule for %q", k))
	}
	return v
}

// Admits reports whether one record with the given organization and owner
// passes the filter. Services use it for single-record reads, so a record
// outside the filter answers not-found exactly as it is absent from lists.
func (v Visibility) Admits(orgID, ownerID int64) bool {
	return !v.None && orgID == v.OrgID && (v.OwnerID == 0 || ownerID == v.OwnerID)
}

// MayProgressTask reports whether p may change a task's status: an editor any
// task, a member with the work action (not an auditor) only their own.
func (p Principal) MayProgressTask(t Task) bool {
	return p.Can(ActEdit) || (p.Can(ActWork) && p.UserID != 0 && t.OwnerID == p.UserID)
}

// MayOwn reports whether a member of role r may own controls and tasks:
// auditors examine the work and own none of it. field names the form or API
// field in the error.
func MayOwn(r Role, field string) error {
	if r == RoleAuditor {
		return Invalid(field, "cannot be an auditor: auditors examine the work and own none of it")
	}
	return nil
}

// EligibleOwners keeps the members that MayOwn accepts, in order: the people
// owner pickers offer, so no picker lists someone the save would refuse.
func EligibleOwners(ms []Membership) []Membership {
	var out []Membership
	for _, m := range ms {
		if MayOwn(m.Role, "owner") == nil {
			out = append(out, m)
		}
	}
	return out
}

// MayAddEvidenceFor reports whether p may add evidence supporting a control
// owned by ownerID: an editor for any control, a member with the work action
// (an employee) for a control they own. Auditors add none.
func (p Principal) MayAddEvidenceFor(ownerID int64) error {
	if p.Can(ActEdit) || (p.Can(ActWork) && p.UserID != 0 && ownerID == p.UserID) {
		return nil
	}
	return Invalid("controls", "may only name controls you own")
}

// MayCloseStep applies who may close a checklist step by hand: anyone who
// edits the organization's data, or a member who owns the step (the
// person's manager, the person, or the member named).
func (p Principal) MayCloseStep(owners []int64) error {
	if p.Can(ActEdit) || (p.UserID != 0 && p.Can(ActWork) && slices.Contains(owners, p.UserID)) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the step's owner or an editor may close it")
}
