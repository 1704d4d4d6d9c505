package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiCompleteVendorReview approves a draft review: {"conclusion"}. The
// token's user is the reviewer; the review becomes a ledger record.
func (h *Handler) apiCompleteVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	_, rid, err := h.reviewOfVendor(r, c)
	if err != nil {
		return err
	}
	var in struct {
		Conclusion string `json:"conclusion"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := h.Vendors.Complete(r.Context(), c.P, rid, in.Conclusion)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rv)
	return nil
}
