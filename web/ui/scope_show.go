package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) scopePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderScope(w, r, c, http.StatusOK, nil)
}
