package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTokens(w, r, c, http.StatusOK, "", &web.Form{Values: map[string]string{"expires": "90"}, Errors: map[string]string{}})
}
