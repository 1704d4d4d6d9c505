package api

import (
	"net/http"

	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// apiMyPolicies lists the published policies the caller must accept, with
// their text and the caller's standing, overdue first.
func (h *Handler) apiMyPolicies(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Policies.MyPolicies(r.Context(), c.P)
	if err != nil {
		return err
	}
	if list == nil {
		list = []policy.Assigned{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"policies": list})
	return nil
}
