package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f, err := h.Users.Factors(r.Context(), c.P)
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, http.StatusOK, "account", f, &web.Form{Values: map[string]string{}, Errors: map[string]string{}})
	return nil
}
