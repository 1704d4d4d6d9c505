package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// excludeRequirement excludes an Annex A control with its justification; a
// refusal (no justification, a clause) comes back as a message on the page.
func (h *Handler) excludeRequirement(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	req := r.PostFormValue("requirement")
	_, err := h.Scope.Exclude(r.Context(), c.P, r.PostFormValue("framework"), req, r.PostFormValue("justification"))
	back := "/o/" + c.Org.Slug + "/scope#applicability"
	if web.UserError(err) {
		h.SetFlash(w, "error", req+": "+web.Sentence(err))
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, req+" excluded.")
}

// includeRequirement makes an excluded control applicable again.
func (h *Handler) includeRequirement(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	req := r.PostFormValue("requirement")
	if err := h.Scope.Include(r.Context(), c.P, r.PostFormValue("framework"), req); err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#applicability", req+" applies again.")
}
