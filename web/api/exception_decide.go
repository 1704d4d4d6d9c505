package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiApproveException approves a waiting exception (an admin or manager
// other than its requester).
func (h *Handler) apiApproveException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	e, err := h.Monitor.ApproveException(r.Context(), c.P, r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, h.toExceptionJSON(e))
	return nil
}

// apiRevokeException ends an exception before it expires.
func (h *Handler) apiRevokeException(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Monitor.RevokeException(r.Context(), c.P, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
