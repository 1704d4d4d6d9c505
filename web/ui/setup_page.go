package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// The set-up link, printed by `attest serve` while the install has no admin,
// creates the first organization and its admin. It works once.

func (h *Handler) setupPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	token := r.URL.Query().Get("token")
	if err := h.Orgs.CheckSetUp(r.Context(), token); err != nil {
		return err
	}
	f := &web.Form{Values: map[string]string{"token": token}, Errors: map[string]string{}}
	h.RenderForm(w, r, c, http.StatusOK, "setup", nil, f)
	return nil
}
