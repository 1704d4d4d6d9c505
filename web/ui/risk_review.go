package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// reviewRisk records that a risk was reviewed as it stands; its next review
// falls a year from today.
func (h *Handler) reviewRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	_, err := h.Risks.Review(r.Context(), c.P, r.PathValue("key"), "")
	return h.afterRiskAction(w, r, c, err, "Review recorded; the next is due in a year.")
}
