package attest

import "strings"

// Role is a user's role within one organization.
type Role string

const (
	RoleAdmin    Role = "admin"    // everything, including members and settings
	RoleManager  Role = "manager"  // edits all compliance data
	RoleEmployee Role = "employee" // sees and completes only their own work
	RoleAuditor  Role = "auditor"  // reads everything in scope, changes nothing
)

// Roles lists every role, most privileged first.
var Roles = []Role{RoleAdmin, RoleManager, RoleEmployee, RoleAuditor}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	switch r {
	case RoleAdmin, RoleManager, RoleEmployee, RoleAuditor:
		return r, nil
	}
	return "", Invalid("role", "must be one of admin, manager, employee, auditor (got %q)", s)
}

// Action is what a request does inside an organization. Every route declares one,
// and Role.Can is the single rule that decides whether a member may do it.
type Action string

const (
	// ActOwn: see one's own work and account (own tasks, own tokens).
	ActOwn Action = "own"
	// ActWork: complete work assigned to oneself (progress a task, accept a
	// policy). Auditors examine work and do none, so they lack it.
	ActWork Action = "work"
	// ActRead: read the organization's compliance data.
	ActRead Action = "read"
	// ActEdit: change the organization's compliance data.
	ActEdit Action = "edit"
	// ActAdmin: manage members, invitations, settings and the activity log.
	ActAdmin Action = "admin"
)

// Can reports whether a member with role r may perform action a.
func (r Role) Can(a Action) bool {
	switch a {
	case ActOwn:
		return r == RoleAdmin || r == RoleManager || r == RoleEmployee || r == RoleAuditor
	case ActWork:
		return r == RoleAdmin || r == RoleManager || r == RoleEmployee
	case ActRead:
		return r == RoleAdmin || r == RoleManager || r == RoleAuditor
	case ActEdit:
		return r == RoleAdmin || r == RoleManager
	case ActAdmin:
		return r == RoleAdmin
	}
	return false
}

// Label is the role's display name.
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// Rank orders roles as Roles lists them, the most privileged highest; 0 for
// an unknown role.
func (r Role) Rank() int {
	for i, x := range Roles {
		if x == r {
			return len(Roles) - i
		}
	}
	return 0
}
