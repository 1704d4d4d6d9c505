package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiCompleteAccessReview completes a campaign whose accounts are all
// decided; its report becomes evidence, the completion a ledger record.
func (h *Handler) apiCompleteAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "access review")
	if err != nil {
		return err
	}
	rv, err := h.AccessReviews.Complete(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rv)
	return nil
}
