package api

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// apiReadiness is the readiness of one framework the organization pursues:
// ?framework=iso27001, SOC 2 without it.
func (h *Handler) apiReadiness(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.Readiness.AssessFramework(r.Context(), c.Org.ID, r.URL.Query().Get("framework"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, programme.NewReport(c.Org.Slug, a, h.Now()))
	return nil
}
