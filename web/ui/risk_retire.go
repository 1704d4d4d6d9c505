package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// retireRisk takes a risk out of the register; its history stays.
func (h *Handler) retireRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	_, err := h.Risks.Retire(r.Context(), c.P, r.PathValue("key"))
	return h.afterRiskAction(w, r, c, err, "Risk retired.")
}
