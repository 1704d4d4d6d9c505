package ui

import (
	"crypto/ed25519"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/ledger"
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
	}
}

type settingsView struct {
	PublicKey   string
	KeyID       string
	Members     []account.MemberSecurity
	Invitations []attest.Invitation
	InviteLink  string // shown once, right after an invitation is created
	InviteEmail string
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
