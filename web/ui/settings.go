package ui

import (
	"crypto/ed25519"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/sso"
	"github.com/attest-hq/attest/web"
)

// settingsRoutes are the routes of this area, with the access each needs.
func (h *Handler) settingsRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/settings", web.Admin, h.settingsPage),
		route("POST", "/o/{org}/settings", web.Admin, h.updateSettings),
		route("POST", "/o/{org}/invitations", web.Admin, h.invite),
		route("POST", "/o/{org}/invitations/{id}/revoke", web.Admin, h.revokeInvitation),
		route("POST", "/o/{org}/members/{user}/role", web.Admin, h.changeRole),
		route("POST", "/o/{org}/members/{user}/remove", web.Admin, h.removeMember),
		route("POST", "/o/{org}/members/{user}/sessions/revoke", web.Admin, h.revokeSessions),
		route("POST", "/o/{org}/settings/two-step", web.Admin, h.requireTwoStep),
		route("POST", "/o/{org}/settings/sso", web.Admin, h.configureSSO),
		route("POST", "/o/{org}/settings/sso/require", web.Admin, h.requireSSO),
		// The install's job processes and queue, not the organization's:
		// there is no operator role above an organization's admins.
		route("GET", "/o/{org}/settings/jobs", web.Admin, h.jobsPage),
	}
}

type settingsView struct {
	PublicKey   string
	KeyID       string
	Members     []account.MemberSecurity
	Invitations []attest.Invitation
	InviteLink  string // shown once, right after an invitation is created
	InviteEmail string
	// InviteEmailed: the link was also emailed to InviteEmail.
	InviteEmailed bool
	SSO           sso.Settings
	Roles         []attest.Role
}

func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v settingsView, f *web.Form) error {
	ctx := r.Context()
	var err error
	if v.Members, err = h.Members.Security(ctx, c.P); err != nil {
		return err
	}
	if v.Invitations, err = h.Members.Pending(ctx, c.P); err != nil {
		return err
	}
	if v.SSO, err = h.SSO.Settings(ctx, c.P); err != nil {
		return err
	}
	v.Roles = attest.Roles
	if h.Evidence != nil {
		pub := h.Evidence.Key.Public().(ed25519.PublicKey)
		v.PublicKey, v.KeyID = ledger.EncodePublicKey(pub), ledger.KeyID(pub)
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"org_name": c.Org.Name, "role": string(attest.RoleEmployee)}, Errors: map[string]string{}}
	}
	if f.Values["org_name"] == "" {
		f.Values["org_name"] = c.Org.Name
	}
	if _, posted := f.Values["issuer"]; !posted && v.SSO.Configured {
		cfg := v.SSO.Config
		f.Values["issuer"], f.Values["client_id"], f.Values["domains"] = cfg.Issuer, cfg.ClientID, strings.Join(cfg.Domains, ", ")
		f.Values["groups_claim"], f.Values["default_role"], f.Values["group_roles"] = cfg.GroupsClaim, string(cfg.DefaultRole), attest.FormatGroupRoles(cfg.GroupRoles)
		if cfg.Enabled {
			f.Values["enabled"] = "on"
		}
	}
	h.RenderForm(w, r, c, status, "settings", v, f)
	return nil
}

// memberParam reads {user}; a malformed one is a member not found.
func memberParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "member not found")
	}
	return id, nil
}
