package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// inviteAuditor invites one of the firm's people into the audit. The link,
// the only copy of its secret, is emailed when the install has email and
// shown once on the page either way.
func (h *Handler) inviteAuditor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "email")
	inv, secret, err := h.Audits.InviteAuditor(r.Context(), c.P, id, f.Values["email"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderAudit(w, r, c, http.StatusUnprocessableEntity, f, invited{})
	}
	if err != nil {
		return err
	}
	// The link holds the only copy of the secret: shown once, here.
	return h.renderAudit(w, r, c, http.StatusCreated, nil, invited{Email: inv.Email, Link: h.BaseURL + "/invitations/" + secret,
		Emailed: h.emailInvitation(r, c, inv, secret)})
}
