package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiPolicySettings returns the values policy placeholders are filled with:
// the templates' defaults, the organization's name as company_name, and what
// the organization set.
func (h *Handler) apiPolicySettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	values, err := h.Policies.Settings(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"values": values})
	return nil
}
