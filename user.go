package attest

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a login account. A user belongs to organizations through memberships.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	CreatedAt    time.Time
}

// Membership is a user's role in one organization.
type Membership struct {
	Org       Organization
	User      User
	Role      Role
	CreatedAt time.Time
}

// NormalizeEmail lower-cases and trims an address so that one person has one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks that s is a bare address (no display name).
func ValidateEmail(s string) error {
	if s == "" {
		return Invalid("email", "is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") || len(s) > 254 {
		return Invalid("email", "%q is not a valid email address", s)
	}
	return nil
}

// Password rules: long enough to resist guessing, short enough to bound hashing work.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// ValidatePassword checks a new password.
func ValidatePassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLen {
		return Invalid("password", "must be at least %d characters", MinPasswordLen)
	}
	if len(p) > MaxPasswordLen {
		return Invalid("password", "must be at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// ValidateName checks a person's display name.
func ValidateName(s string) error {
	if strings.TrimSpace(s) == "" {
		return Invalid("name", "is required")
	}
	if len(s) > 200 {
		return Invalid("name", "must be at most 200 characters")
	}
	return nil
}
