package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) invite(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "email", "role")
	inv, secret, err := h.Members.Invite(r.Context(), c.P, f.Values["email"], f.Values["role"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderSettings(w, r, c, http.StatusUnprocessableEntity, settingsView{}, f)
	}
	if err != nil {
		return err
	}
	// The link holds the only copy of the secret; it is shown once, here.
	link := h.BaseURL + "/invitations/" + secret
	return h.renderSettings(w, r, c, http.StatusCreated, settingsView{InviteLink: link, InviteEmail: inv.Email}, nil)
}
