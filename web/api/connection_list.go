package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiConnections(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Connections.List(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := make([]connectionJSON, 0, len(list))
	for _, conn := range list {
		out = append(out, toConnectionJSON(conn))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"connections": out})
	return nil
}
