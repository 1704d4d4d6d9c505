package api

import (
	"net/http"

	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// apiUpdateVendorReview changes a draft review: {"opinion", "exceptions",
// "response", "answers": {…}}, each optional.
func (h *Handler) apiUpdateVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	_, rid, err := h.reviewOfVendor(r, c)
	if err != nil {
		return err
	}
	var in vendors.ReviewChange
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := h.Vendors.UpdateReview(r.Context(), c.P, rid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rv)
	return nil
}
