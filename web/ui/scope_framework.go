package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// setScopeFramework brings a built-in framework (ISO 27001) into scope or
// takes it out.
func (h *Handler) setScopeFramework(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	in := r.PostFormValue("in_scope") == "on"
	err := h.Scope.SetFramework(r.Context(), c.P, r.PostFormValue("framework"), in)
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		http.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#frameworks", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	msg := "Framework taken out of scope."
	if in {
		msg = "Framework brought into scope."
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#frameworks", msg)
}
