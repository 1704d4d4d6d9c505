package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRisk returns a risk with its history (who changed what, when).
func (h *Handler) apiRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	x, hist, err := h.Risks.Get(r.Context(), c.P, r.PathValue("ref"))
	if err != nil {
		return err
	}
	out := make([]web.ActivityJSON, 0, len(hist))
	for _, a := range hist {
		out = append(out, web.ToActivityJSON(a))
	}
	web.WriteJSON(w, http.StatusOK, struct {
		attest.Risk
		History []web.ActivityJSON `json:"history"`
	}{riskOut(x), out})
	return nil
}
