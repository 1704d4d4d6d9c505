package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if c.User != nil {
		http.Redirect(w, r, web.SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	f := &web.Form{Values: map[string]string{"next": web.SafeNext(r.URL.Query().Get("next")), "email": r.URL.Query().Get("email")}, Errors: map[string]string{}}
	h.RenderForm(w, r, c, http.StatusOK, "login", nil, f)
	return nil
}
