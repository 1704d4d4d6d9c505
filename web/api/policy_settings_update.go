package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiUpdatePolicySettings sets the placeholder values the body names ("" returns
// one to its default) and answers with every value in effect.
func (h *Handler) apiUpdatePolicySettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Values map[string]string `json:"values"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Policies.SetSettings(r.Context(), c.P, in.Values); err != nil {
		return err
	}
	return h.apiPolicySettings(w, r, c)
}
