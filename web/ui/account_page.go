package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	h.RenderForm(w, r, c, http.StatusOK, "account", nil, &web.Form{Values: map[string]string{}, Errors: map[string]string{}})
	return nil
}
