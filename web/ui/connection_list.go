package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) connectionsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderConnections(w, r, c, http.StatusOK, "", nil, nil)
}
