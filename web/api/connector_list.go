package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiConnectors lists the connector types this install has, with the
// settings each takes: what a client needs to create a connection.
func (h *Handler) apiConnectors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	web.WriteJSON(w, http.StatusOK, map[string]any{"connectors": h.Connections.Registry.Specs()})
	return nil
}
