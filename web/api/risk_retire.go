package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiRetireRisk retires a risk; it stays, with its history, as retired.
func (h *Handler) apiRetireRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	x, err := h.Risks.Retire(r.Context(), c.P, r.PathValue("ref"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, riskOut(x))
	return nil
}
