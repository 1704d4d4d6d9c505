package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiReviewRisk records that a risk was reviewed as it stands: {"next":
// "YYYY-MM-DD"} sets the next review (default: a year from today).
func (h *Handler) apiReviewRisk(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Next string `json:"next"`
	}
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	x, err := h.Risks.Review(r.Context(), c.P, r.PathValue("ref"), in.Next)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, riskOut(x))
	return nil
}
