package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAddVendorCUEC adds a checklist item from one of the vendor's reviews:
// {"review_id", "description", "owner_id", "due_on"}.
func (h *Handler) apiAddVendorCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	var in struct {
		ReviewID    int64  `json:"review_id"`
		Description string `json:"description"`
		OwnerID     int64  `json:"owner_id"`
		DueOn       string `json:"due_on"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if rv, err := h.DB.VendorReview(r.Context(), c.Org.ID, in.ReviewID); err != nil || rv.VendorID != id {
		return attest.Invalid("review_id", "must be a review of this vendor")
	}
	cu, err := h.Vendors.AddCUEC(r.Context(), c.P, in.ReviewID, attest.VendorCUEC{Description: in.Description, OwnerID: in.OwnerID, DueOn: in.DueOn})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, cu)
	return nil
}
