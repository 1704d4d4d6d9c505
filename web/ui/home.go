package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// home sends a user to their organization, or lets them choose among several.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ms, err := h.Memberships(r.Context(), c)
	if err != nil {
		return err
	}
	if len(ms) == 1 {
		http.Redirect(w, r, "/o/"+ms[0].Org.Slug, http.StatusSeeOther)
		return nil
	}
	h.Render(w, r, c, http.StatusOK, "home", ms)
	return nil
}
