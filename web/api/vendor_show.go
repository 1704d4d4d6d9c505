package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiVendor returns a vendor with its reviews, checklist and subservice
// organizations.
func (h *Handler) apiVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	d, err := h.vendorDetail(r, c, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
