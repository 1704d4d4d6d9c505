package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := memberParam(r)
	if err != nil {
		return err
	}
	m, err := h.Members.Remove(r.Context(), c.P, id)
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" was removed.")
}
