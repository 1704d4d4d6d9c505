package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// ssoJSON is an organization's single sign-on; the client secret is never
// returned, only whether one is stored.
type ssoJSON struct {
	Configured   bool              `json:"configured"`
	Enabled      bool              `json:"enabled"`
	Issuer       string            `json:"issuer"`
	ClientID     string            `json:"client_id"`
	Domains      []string          `json:"domains"`
	GroupsClaim  string            `json:"groups_claim"`
	DefaultRole  string            `json:"default_role"`
	GroupRoles   map[string]string `json:"group_roles"`
	RedirectURI  string            `json:"redirect_uri"`
	Required     bool              `json:"required"`
	BreakGlassID int64             `json:"break_glass_user_id,omitempty"`
}

func (h *Handler) apiSSO(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	st, err := h.SSO.Settings(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := ssoJSON{Configured: st.Configured, Enabled: st.Config.Enabled, Issuer: st.Config.Issuer, ClientID: st.Config.ClientID,
		Domains: st.Config.Domains, GroupsClaim: st.Config.GroupsClaim, DefaultRole: string(st.Config.DefaultRole),
		GroupRoles: map[string]string{}, RedirectURI: st.RedirectURI, Required: st.Required, BreakGlassID: st.BreakGlass}
	if out.Domains == nil {
		out.Domains = []string{}
	}
	for g, role := range st.Config.GroupRoles {
		out.GroupRoles[g] = string(role)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiSetSSO stores the organization's identity provider, then answers as apiSSO.
func (h *Handler) apiSetSSO(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Issuer       string            `json:"issuer"`
		ClientID     string            `json:"client_id"`
		ClientSecret string            `json:"client_secret"` // empty keeps the stored secret
		Domains      []string          `json:"domains"`
		GroupsClaim  string            `json:"groups_claim"`
		DefaultRole  string            `json:"default_role"`
		GroupRoles   map[string]string `json:"group_roles"`
		Enabled      bool              `json:"enabled"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	roles := map[string]attest.Role{}
	for g, role := range in.GroupRoles {
		roles[g] = attest.Role(role)
	}
	if _, err := h.SSO.Configure(r.Context(), c.P, attest.SSOConfig{Issuer: in.Issuer, ClientID: in.ClientID, Domains: in.Domains,
		GroupsClaim: in.GroupsClaim, DefaultRole: attest.Role(in.DefaultRole), GroupRoles: roles, Enabled: in.Enabled}, in.ClientSecret); err != nil {
		return err
	}
	return h.apiSSO(w, r, c)
}
