package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) removeConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	conn, err := h.LoadConnection(r, c)
	if err != nil {
		return err
	}
	if err := h.Connections.Remove(r.Context(), c.P, conn.ID); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/connections", "The connection "+conn.Name+" and its credential were removed.")
}
