package api

import (
	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// orgRoutes are the routes of this area, with the access each needs.
func (h *Handler) orgRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}", web.Own, h.apiOrg),
		route("GET", "/orgs/{org}/members", web.Admin, h.apiMembers),
		route("POST", "/orgs/{org}/invitations", web.Admin, h.apiInvite),
		route("GET", "/orgs/{org}/activity", web.Admin, h.apiActivity),
	}
}

type orgJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func toOrgJSON(o attest.Organization) orgJSON {
	return orgJSON{Slug: o.Slug, Name: o.Name, CreatedAt: web.RFC3339(o.CreatedAt)}
}

type memberJSON struct {
	UserID   int64  `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}
