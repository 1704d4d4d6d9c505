package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) controlPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctl, err := h.LoadControl(r, c)
	if err != nil {
		return err
	}
	return h.renderControl(w, r, c, http.StatusOK, ctl, nil)
}
