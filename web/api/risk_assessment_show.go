package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiRiskAssessment returns one assessment with the register as frozen.
func (h *Handler) apiRiskAssessment(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.Risks.Assessment(r.Context(), c.P, r.PathValue("uid"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, a)
	return nil
}
