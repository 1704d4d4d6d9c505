package api

import (
	"net/http"

	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// apiMyApprovals lists the policy versions waiting for the caller's decision
// as a named approver.
func (h *Handler) apiMyApprovals(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Policies.AwaitingMe(r.Context(), c.P)
	if err != nil {
		return err
	}
	if list == nil {
		list = []policy.Awaiting{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"approvals": list})
	return nil
}
