package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// revokeSessions signs a member out of every session.
func (h *Handler) revokeSessions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := memberParam(r)
	if err != nil {
		return err
	}
	m, n, err := h.Members.RevokeSessions(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	if id == c.P.UserID {
		h.ClearSessionCookie(w)
		return h.Redirect(w, r, "/login", "You were signed out of every session.")
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", fmt.Sprintf("Signed %s out of %d session(s).", m.User.Email, n))
}
