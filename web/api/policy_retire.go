package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiRetirePolicy retires a policy: nobody must accept it any more, and its
// history stays.
func (h *Handler) apiRetirePolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, _, err := h.policyByKey(r.Context(), c, r.PathValue("key"))
	if err != nil {
		return err
	}
	if err := h.Policies.Retire(r.Context(), c.P, p.ID); err != nil {
		return err
	}
	p, _, err = h.policyByKey(r.Context(), c, p.Key)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, withoutText(p))
	return nil
}
