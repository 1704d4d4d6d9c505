package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// saveVendor saves a vendor's details.
func (h *Handler) saveVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	in := attest.Vendor{ID: id}
	f := vendorFromForm(r, &in)
	v, err := h.Vendors.Update(r.Context(), c.P, in)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d", c.Org.Slug, v.ID), "Saved "+v.Name+".")
}
