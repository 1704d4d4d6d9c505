package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// addVendor records a vendor entered by hand.
func (h *Handler) addVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in attest.Vendor
	f := vendorFromForm(r, &in)
	v, err := h.Vendors.Create(r.Context(), c.P, in)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendors(w, r, c, http.StatusUnprocessableEntity, vendorsView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d", c.Org.Slug, v.ID), "Added "+v.Name+".")
}
