package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiRemoveConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	if err := h.Connections.Remove(r.Context(), c.P, conn.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
