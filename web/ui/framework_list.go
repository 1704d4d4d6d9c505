package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) frameworksPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderFrameworks(w, r, c, http.StatusOK, frameworksView{})
}
