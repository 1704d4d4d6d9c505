package attest

import "time"

// APIToken is a personal access token for the JSON API, bound to one user in one
// organization. Only its SHA-256 is stored; the secret is shown once.
type APIToken struct {
	ID         int64
	OrgID      int64
	UserID     int64
	Name       string
	Prefix     string // first characters of the secret, to recognise it in lists
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: active
}

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// Invitation asks someone to join an organization with a role.
type Invitation struct {
	ID         int64
	OrgID      int64
	Email      string
	Role       Role
	InvitedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
	RevokedAt  time.Time
	// AuditID: an invitation into one audit as its auditor, not into the
	// organization (Role is then auditor and no membership follows).
	AuditID int64
}

// Pending reports whether the invitation can still be accepted at now.
func (i Invitation) Pending(now time.Time) bool {
	return i.AcceptedAt.IsZero() && i.RevokedAt.IsZero() && now.Before(i.ExpiresAt)
}
