package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// retirePolicy retires a policy: nobody is asked to accept it any more, and
// its history stays.
func (h *Handler) retirePolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	pol, _, err := h.Policies.GetByKey(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	err = h.Policies.Retire(r.Context(), c.P, pol.ID)
	if web.UserError(err) {
		h.SetFlash(w, "error", "Not retired: "+web.Sentence(err))
		return h.Redirect(w, r, policyPath(c, pol.Key), "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, policyPath(c, pol.Key), "Retired "+pol.Title)
}
