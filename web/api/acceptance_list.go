package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAcceptances lists recorded acceptances, newest first; ?policy=KEY
// narrows to one policy.
func (h *Handler) apiAcceptances(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var policyID int64
	if key := r.URL.Query().Get("policy"); key != "" {
		p, _, err := h.policyByKey(r.Context(), c, key)
		if err != nil {
			return err
		}
		policyID = p.ID
	}
	list, err := h.Policies.Acceptances(r.Context(), c.P, policyID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []attest.Acceptance{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"acceptances": list})
	return nil
}
