package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiUpdateOrg changes an organization's settings: its name, whether members
// must use two-step verification, and whether they must sign in through the
// identity provider (with the break-glass admin). Absent fields stay as they are.
func (h *Handler) apiUpdateOrg(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Name       *string `json:"name"`
		RequireMFA *bool   `json:"require_mfa"`
		RequireSSO *bool   `json:"require_sso"`
		BreakGlass int64   `json:"sso_break_glass_user_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	org := *c.Org
	var err error
	if in.Name != nil {
		if org, err = h.Orgs.Rename(r.Context(), c.P, *in.Name); err != nil {
			return renameField(err)
		}
	}
	if in.RequireMFA != nil {
		if org, err = h.Orgs.SetRequireMFA(r.Context(), c.P, *in.RequireMFA); err != nil {
			return err
		}
	}
	if in.RequireSSO != nil {
		if org, err = h.SSO.Require(r.Context(), c.P, *in.RequireSSO, in.BreakGlass); err != nil {
			return err
		}
	}
	web.WriteJSON(w, http.StatusOK, toOrgJSON(org))
	return nil
}

// renameField names the JSON field of a refused name (the service names the
// settings form's org_name).
func renameField(err error) error {
	if attest.ErrorField(err) == "org_name" {
		return attest.Invalid("name", "%s", attest.ErrorMessage(err))
	}
	return err
}
