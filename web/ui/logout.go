package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if c.Session != nil {
		if err := h.Users.EndSession(r.Context(), c.Session.TokenHash); err != nil {
			return err
		}
	}
	h.ClearSessionCookie(w)
	return h.Redirect(w, r, "/login", "You are signed out.")
}
