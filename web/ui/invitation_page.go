package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// An invitation link lets its holder join an organization with a role: a new
// person creates an account on the spot; an existing user signs in first.

func (h *Handler) invitationPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	v, err := h.Members.Invitation(r.Context(), c.P, r.PathValue("token"))
	if err != nil {
		return err
	}
	h.RenderForm(w, r, c, http.StatusOK, "invitation", v, &web.Form{Values: map[string]string{}, Errors: map[string]string{}})
	return nil
}
