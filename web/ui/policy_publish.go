package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// publishPolicyVersion publishes an approved version: it replaces the
// published one, and the people it applies to are asked to accept it (again,
// when the change is material).
func (h *Handler) publishPolicyVersion(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, pol, err := h.versionOfPath(r, c)
	if err != nil {
		return err
	}
	v, err := h.Policies.Publish(r.Context(), c.P, id)
	if web.UserError(err) {
		h.SetFlash(w, "error", "Not published: "+web.Sentence(err))
		return h.Redirect(w, r, policyPath(c, pol.Key), "")
	}
	if err != nil {
		return err
	}
	msg := "Published " + pol.Title + " " + v.Label
	if v.Material {
		msg += ": everyone it applies to must accept it"
	}
	return h.Redirect(w, r, policyPath(c, pol.Key), msg)
}
