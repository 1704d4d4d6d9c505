package attest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SignInMethod is how a session was started. Sessions keep it, so that an
// organization's sign-in rules are checked on every request, not only at the
// moment of signing in.
type SignInMethod string

const (
	// MethodPassword is a password alone.
	MethodPassword SignInMethod = "password"
	// MethodTOTP is a password and a code from an authenticator app.
	MethodTOTP SignInMethod = "password+totp"
	// MethodRecovery is a password and a one-time recovery code.
	MethodRecovery SignInMethod = "password+recovery"
	// MethodPasswordPasskey is a password and a passkey.
	MethodPasswordPasskey SignInMethod = "password+passkey"
	// MethodPasskey is a passkey alone, verified by the device's PIN or
	// biometrics: something held and something known or been.
	MethodPasskey SignInMethod = "passkey"
	// MethodSSO is an organization's identity provider (OpenID Connect).
	MethodSSO SignInMethod = "sso"
)

// MultiFactor reports whether the method proved a second factor in Attest.
func (m SignInMethod) MultiFactor() bool {
	switch m {
	case MethodTOTP, MethodRecovery, MethodPasswordPasskey, MethodPasskey:
		return true
	}
	return false
}

// Label is the method as people read it.
func (m SignInMethod) Label() string {
	switch m {
	case MethodPassword:
		return "Password"
	case MethodTOTP:
		return "Password and authenticator app"
	case MethodRecovery:
		return "Password and recovery code"
	case MethodPasswordPasskey:
		return "Password and passkey"
	case MethodPasskey:
		return "Passkey"
	case MethodSSO:
		return "Single sign-on"
	}
	return string(m)
}

// SessionProof is what a session proved when it started: its method and,
// for single sign-on, the organization whose provider signed it in.
type SessionProof struct {
	Method   SignInMethod
	SSOOrgID int64
	UserID   int64
}

// SignInAllowed applies an organization's sign-in rules to a session: nil
// when it may act in the organization, an error otherwise.
//
//   - A session signed in by an organization's identity provider acts in that
//     organization only (EFORBIDDEN elsewhere): one organization's provider
//     must not open its members' other organizations.
//   - With RequireSSO, everyone but the break-glass admin signs in through
//     the provider (ESSO), and the break-glass admin with a second factor
//     (EENROL).
//   - With RequireMFA, a session started in Attest proves a second factor
//     (EENROL); a session from the organization's own provider counts, the
//     provider being where its people prove theirs.
func SignInAllowed(o Organization, s SessionProof) error {
	if s.Method == MethodSSO {
		if s.SSOOrgID != o.ID {
			return &Error{Code: EFORBIDDEN, Message: "You signed in through another organization's single sign-on, which opens that organization only. Sign out, then sign in to " + o.Name + "."}
		}
		return nil
	}
	if o.RequireSSO && s.UserID != o.SSOBreakGlass {
		return &Error{Code: ESSO, Message: o.Name + " requires signing in through its identity provider."}
	}
	// The break-glass admin signs in with a password, so always with a second factor.
	if (o.RequireMFA || o.RequireSSO) && !s.Method.MultiFactor() {
		return &Error{Code: EENROL, Message: o.Name + " requires two-step verification. Set up an authenticator app, then sign in again with it."}
	}
	return nil
}

// SSOConfig is an organization's OpenID Connect identity provider. The
// client secret is not part of it: it is sealed at rest and given to the
// service alone.
type SSOConfig struct {
	OrgID       int64
	Issuer      string // the provider's issuer URL, as its discovery document names it
	ClientID    string
	Domains     []string        // email domains accepted, lower case
	GroupsClaim string          // the claim listing a person's groups; "" for none
	DefaultRole Role            // the role of someone signing in for the first time; "" admits only existing members
	GroupRoles  map[string]Role // group → role, for group → role mapping; the most powerful match wins
	Enabled     bool
}

// ValidateSSO checks an identity provider's settings, naming the field at
// fault. The issuer is HTTPS, except on the local machine (a provider run for
// development or tests).
func ValidateSSO(c *SSOConfig) error {
	c.Issuer = strings.TrimSpace(c.Issuer)
	c.ClientID = strings.TrimSpace(c.ClientID)
	u, err := url.Parse(c.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return Invalid("issuer", "must be the provider's issuer URL, such as https://login.example.com")
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return Invalid("issuer", "must use HTTPS (plain HTTP is accepted only for localhost)")
	}
	if c.ClientID == "" {
		return Invalid("client_id", "is required")
	}
	var domains []string
	for _, d := range c.Domains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, " @/") || !strings.Contains(d, ".") && d != "localhost" {
			return Invalid("domains", "%q is not an email domain", d)
		}
		if !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	if len(domains) == 0 {
		return Invalid("domains", "name at least one email domain whose people may sign in")
	}
	c.Domains = domains
	c.GroupsClaim = strings.TrimSpace(c.GroupsClaim)
	if c.DefaultRole != "" {
		if _, err := ParseRole(string(c.DefaultRole)); err != nil {
			return Invalid("default_role", "%s", ErrorMessage(err))
		}
	}
	for g, r := range c.GroupRoles {
		if strings.TrimSpace(g) == "" {
			return Invalid("group_roles", "a group name is empty")
		}
		if _, err := ParseRole(string(r)); err != nil {
			return Invalid("group_roles", "group %q: %s", g, ErrorMessage(err))
		}
	}
	if len(c.GroupRoles) > 0 && c.GroupsClaim == "" {
		return Invalid("groups_claim", "is required to map groups to roles")
	}
	return nil
}

func loopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// AllowsEmail reports whether an email's domain is one the provider may sign in.
func (c SSOConfig) AllowsEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	return at > 0 && slices.Contains(c.Domains, strings.ToLower(email[at+1:]))
}

// RoleFor is the role someone signing in for the first time gets: the most
// powerful role their groups map to, else the default role; "" when neither
// (they are not admitted unless already a member).
func (c SSOConfig) RoleFor(groups []string) Role {
	best := Role("")
	for _, g := range groups {
		if r, ok := c.GroupRoles[g]; ok && (best == "" || r.Rank() > best.Rank()) {
			best = r
		}
	}
	if best == "" {
		return c.DefaultRole
	}
	return best
}

// ParseDomains reads a comma- or space-separated list of email domains.
func ParseDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// ParseGroupRoles reads group → role mappings, one "group = role" per line.
func ParseGroupRoles(s string) (map[string]Role, error) {
	out := map[string]Role{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		g, r, ok := strings.Cut(line, "=")
		if !ok {
			return nil, Invalid("group_roles", "line %d: write \"group = role\"", i+1)
		}
		role, err := ParseRole(strings.TrimSpace(r))
		if err != nil {
			return nil, Invalid("group_roles", "line %d: %s", i+1, ErrorMessage(err))
		}
		out[strings.TrimSpace(g)] = role
	}
	return out, nil
}

// FormatGroupRoles writes mappings as ParseGroupRoles reads them, sorted.
func FormatGroupRoles(m map[string]Role) string {
	var lines []string
	for g, r := range m {
		lines = append(lines, fmt.Sprintf("%s = %s", g, r))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
