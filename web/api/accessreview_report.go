package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiAccessReviewReport answers a campaign's report as CSV, revocations
// verified against the latest collections.
func (h *Handler) apiAccessReviewReport(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "access review")
	if err != nil {
		return err
	}
	body, _, err := h.AccessReviews.Report(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	_, err = w.Write(body)
	return err
}
