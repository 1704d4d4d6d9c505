package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// configureSSO saves the organization's identity provider.
func (h *Handler) configureSSO(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "issuer", "client_id", "client_secret", "domains", "groups_claim", "default_role", "group_roles", "enabled")
	secret := f.Values["client_secret"]
	delete(f.Values, "client_secret")
	roles, err := attest.ParseGroupRoles(f.Values["group_roles"])
	if err == nil {
		_, err = h.SSO.Configure(r.Context(), c.P, attest.SSOConfig{Issuer: f.Values["issuer"], ClientID: f.Values["client_id"],
			Domains: attest.ParseDomains(f.Values["domains"]), GroupsClaim: f.Values["groups_claim"],
			DefaultRole: attest.Role(f.Values["default_role"]), GroupRoles: roles, Enabled: f.Values["enabled"] == "on"}, secret)
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings#single-sign-on", "Single sign-on saved.")
}

// requireSSO turns the single sign-on requirement on or off.
func (h *Handler) requireSSO(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "require_sso", "break_glass")
	breakGlass, _ := strconv.ParseInt(f.Values["break_glass"], 10, 64)
	on := f.Values["require_sso"] == "on"
	_, err := h.SSO.Require(r.Context(), c.P, on, breakGlass)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	msg := "Members now sign in through the identity provider; the break-glass admin may still use a password and two-step verification."
	if !on {
		msg = "Single sign-on is no longer required."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings#single-sign-on", msg)
}
