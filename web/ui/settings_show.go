package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderSettings(w, r, c, http.StatusOK, settingsView{}, nil)
}
