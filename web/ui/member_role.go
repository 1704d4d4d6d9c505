package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) changeRole(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := memberParam(r)
	if err != nil {
		return err
	}
	m, err := h.Members.ChangeRole(r.Context(), c.P, id, r.PostFormValue("role"))
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/settings", m.User.Email+" is now "+string(m.Role)+".")
}
