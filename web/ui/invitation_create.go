package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
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
	// The link holds the only copy of the secret: it is emailed when the
	// install has email, and shown once, here, either way.
	link := h.BaseURL + "/invitations/" + secret
	return h.renderSettings(w, r, c, http.StatusCreated, settingsView{InviteLink: link, InviteEmail: inv.Email,
		InviteEmailed: h.emailInvitation(r, c, inv, secret)}, nil)
}

// emailInvitation queues the invitation's email and reports whether it did.
// A failure to queue is logged, not shown as a failed invitation: the
// invitation exists and its link is on the page.
func (h *Handler) emailInvitation(r *http.Request, c *web.Ctx, inv attest.Invitation, secret string) bool {
	sent, err := h.Notify.Invite(r.Context(), c.P, inv, secret)
	if err != nil {
		h.Log.Warn("invitation email not queued", "invitation", inv.ID, "err", err)
	}
	return sent
}
