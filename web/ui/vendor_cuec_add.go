package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// addVendorCUEC adds a user entity control a review's report asks of us to
// the vendor's checklist.
func (h *Handler) addVendorCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	f := web.NewForm(r, "review", "description", "owner", "due_on")
	rid, _ := strconv.ParseInt(f.Values["review"], 10, 64)
	if _, err := h.reviewOf(r, c, id, rid); err != nil {
		f.Errors["review"] = "must be a review of this vendor"
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{CUECForm: f}, nil)
	}
	owner, _ := strconv.ParseInt(f.Values["owner"], 10, 64)
	_, err = h.Vendors.AddCUEC(r.Context(), c.P, rid, attest.VendorCUEC{Description: f.Values["description"], OwnerID: owner, DueOn: f.Values["due_on"]})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{CUECForm: f}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#checklist", c.Org.Slug, id), "Added to the checklist.")
}
