package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// accessReviewReport downloads a campaign's report as CSV, as it stands
// now: revocations verified against the latest collections.
func (h *Handler) accessReviewReport(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	body, _, err := h.AccessReviews.Report(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	h.attachment(w, c, "access-review-"+idOrEmpty(id), "csv")
	_, err = w.Write(body)
	return err
}
