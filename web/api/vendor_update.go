package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiUpdateVendor changes the fields the body names and keeps the rest.
func (h *Handler) apiUpdateVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	var in vendorBody
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.Vendors.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	v := d.Vendor
	in.apply(&v)
	if _, err := h.Vendors.Update(r.Context(), c.P, v); err != nil {
		return err
	}
	out, err := h.vendorDetail(r, c, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
