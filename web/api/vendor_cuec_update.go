package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// apiUpdateVendorCUEC changes a checklist item: {"done", "owner_id",
// "due_on"}, each optional.
func (h *Handler) apiUpdateVendorCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	cid, err := vendorPathID(r, "cuec", "user entity control")
	if err != nil {
		return err
	}
	if cu, err := h.DB.VendorCUEC(r.Context(), c.Org.ID, cid); err != nil || cu.VendorID != id {
		return attest.Errorf(attest.ENOTFOUND, "user entity control not found")
	}
	var in vendors.CUECChange
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	cu, err := h.Vendors.UpdateCUEC(r.Context(), c.P, cid, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, cu)
	return nil
}
