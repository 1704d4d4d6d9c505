package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPolicy returns a policy and every version, newest first, with their
// text, approvers and decisions.
func (h *Handler) apiPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	p, versions, err := h.policyByKey(r.Context(), c, r.PathValue("key"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"policy": withoutText(p), "versions": versions})
	return nil
}
