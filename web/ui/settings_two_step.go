package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// requireTwoStep turns the organization's two-step requirement on or off.
func (h *Handler) requireTwoStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	on := r.PostFormValue("require_mfa") == "on"
	_, err := h.Orgs.SetRequireMFA(r.Context(), c.P, on)
	if web.UserError(err) {
		f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	msg := "Members now need two-step verification; those without it are asked to set it up when they next open the organization."
	if !on {
		msg = "Two-step verification is no longer required."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", msg)
}
