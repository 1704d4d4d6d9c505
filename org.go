package attest

import (
	"regexp"
	"strings"
	"time"
)

// Organization is a tenant. Every other record belongs to exactly one.
type Organization struct {
	ID        int64
	Slug      string // URL name, unique across the install
	Name      string
	CreatedAt time.Time
	// RequireMFA makes members prove a second factor when they sign in
	// (SignInAllowed); API tokens, made by members signed in, are not asked.
	RequireMFA bool
	// RequireSSO makes members sign in through the organization's identity
	// provider, except SSOBreakGlass (a user ID; 0 for none), the admin who
	// can still sign in with a password when the provider is down.
	RequireSSO    bool
	SSOBreakGlass int64
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// reservedSlugs would collide with top-level paths if slugs ever moved there.
var reservedSlugs = map[string]bool{"api": true, "static": true, "new": true, "login": true, "setup": true}

// ValidateOrg checks an organization's slug and name.
func ValidateOrg(o *Organization) error {
	o.Slug = strings.TrimSpace(o.Slug)
	o.Name = strings.TrimSpace(o.Name)
	if !slugRE.MatchString(o.Slug) {
		return Invalid("slug", "use 1–40 lower-case letters, digits or hyphens, not starting or ending with a hyphen (got %q)", o.Slug)
	}
	if reservedSlugs[o.Slug] {
		return Invalid("slug", "%q is reserved", o.Slug)
	}
	if o.Name == "" {
		return Invalid("name", "is required")
	}
	if len(o.Name) > 200 {
		return Invalid("name", "must be at most 200 characters")
	}
	return nil
}
