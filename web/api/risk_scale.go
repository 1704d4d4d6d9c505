package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiSetRiskScale sets the organization's scale: {"likelihood", "impact",
// "medium", "high", "critical"}; thresholds left out take their defaults.
func (h *Handler) apiSetRiskScale(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.RiskScale
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Risks.SetScale(r.Context(), c.P, in); err != nil {
		return err
	}
	s, err := h.Risks.Scale(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}
