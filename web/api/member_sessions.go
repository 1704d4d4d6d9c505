package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRevokeSessions signs a member out of every session.
func (h *Handler) apiRevokeSessions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "member not found")
	}
	m, n, err := h.Members.RevokeSessions(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"user_id": m.User.ID, "email": m.User.Email, "sessions_ended": n})
	return nil
}
