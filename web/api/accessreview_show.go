package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAccessReview returns a campaign with the accounts the caller may see,
// each revoked one with whether it was removed.
func (h *Handler) apiAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "access review")
	if err != nil {
		return err
	}
	d, err := h.AccessReviews.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	if d.Items == nil {
		d.Items = []attest.AccessReviewItem{}
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
