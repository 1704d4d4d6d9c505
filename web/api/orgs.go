package api

import (
	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// orgRoutes are the routes of this area, with the access each needs.
func (h *Handler) orgRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}", web.Own, h.apiOrg),
		route("PATCH", "/orgs/{org}", web.Admin, h.apiUpdateOrg),
		route("GET", "/orgs/{org}/members", web.Admin, h.apiMembers),
		route("POST", "/orgs/{org}/members/{user}/sessions/revoke", web.Admin, h.apiRevokeSessions),
		route("GET", "/orgs/{org}/sso", web.Admin, h.apiSSO),
		route("PUT", "/orgs/{org}/sso", web.Admin, h.apiSetSSO),
		route("POST", "/orgs/{org}/invitations", web.Admin, h.apiInvite),
		route("GET", "/orgs/{org}/activity", web.Admin, h.apiActivity),
		// The install's job processes and queue, not the organization's:
		// there is no operator role above an organization's admins.
		route("GET", "/orgs/{org}/jobs", web.Admin, h.apiJobs),
	}
}

type orgJSON struct {
	Slug       string `json:"slug"`
	Name       string `json:"name"`
	CreatedAt  string `json:"created_at"`
	RequireMFA bool   `json:"require_mfa"`
	RequireSSO bool   `json:"require_sso"`
	// SSOBreakGlass is the admin who may sign in with a password while
	// single sign-on is required.
	SSOBreakGlass int64 `json:"sso_break_glass_user_id,omitempty"`
}

func toOrgJSON(o attest.Organization) orgJSON {
	return orgJSON{Slug: o.Slug, Name: o.Name, CreatedAt: web.RFC3339(o.CreatedAt), RequireMFA: o.RequireMFA,
		RequireSSO: o.RequireSSO, SSOBreakGlass: o.SSOBreakGlass}
}

type memberJSON struct {
	UserID   int64  `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
	// TwoStep is what the member has set up to prove a second factor.
	TwoStep  twoStepJSON `json:"two_step"`
	Sessions int         `json:"sessions"` // open sessions
}

type twoStepJSON struct {
	AuthenticatorApp bool `json:"authenticator_app"`
	Passkeys         int  `json:"passkeys"`
	RecoveryCodes    int  `json:"recovery_codes"` // unused
}
