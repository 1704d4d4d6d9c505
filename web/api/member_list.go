package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiMembers(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ms, err := h.Members.Security(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberJSON{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role),
			JoinedAt: web.RFC3339(m.CreatedAt), Sessions: m.Sessions,
			TwoStep: twoStepJSON{AuthenticatorApp: m.Factors.TOTP, Passkeys: m.Factors.Passkeys, RecoveryCodes: m.Factors.RecoveryCodes}})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}
