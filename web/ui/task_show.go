package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) taskPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	return h.renderTask(w, r, c, http.StatusOK, t, nil)
}
