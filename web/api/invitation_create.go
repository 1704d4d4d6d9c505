package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiInvite(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, secret, err := h.Members.Invite(r.Context(), c.P, in.Email, in.Role)
	if err != nil {
		return err
	}
	link := h.BaseURL + "/invitations/" + secret // the only copy of the secret
	emailed, err := h.Notify.Invite(r.Context(), c.P, inv, secret)
	if err != nil {
		// The invitation exists and the link is in the answer.
		h.Log.Warn("invitation email not queued", "invitation", inv.ID, "err", err)
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{
		"id": inv.ID, "email": inv.Email, "role": inv.Role, "expires_at": web.RFC3339(inv.ExpiresAt), "link": link, "emailed": emailed,
	})
	return nil
}
