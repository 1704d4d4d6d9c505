package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiRiskAssessments lists the annual risk assessments, newest first.
func (h *Handler) apiRiskAssessments(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	as, err := h.Risks.Assessments(r.Context(), c.P)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, nonNil(as))
	return nil
}
