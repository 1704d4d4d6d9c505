package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// saveVendorCUEC changes a checklist item: done or not, its owner and due
// day.
func (h *Handler) saveVendorCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cuec", "user entity control")
	if err != nil {
		return err
	}
	cu, err := h.DB.VendorCUEC(r.Context(), c.Org.ID, cid)
	if err == nil && cu.VendorID != id {
		err = attest.Errorf(attest.ENOTFOUND, "user entity control not found")
	}
	if err != nil {
		return err
	}
	f := web.NewForm(r, "done", "owner", "due_on")
	done := f.Values["done"] == "true"
	owner, _ := strconv.ParseInt(f.Values["owner"], 10, 64)
	due := f.Values["due_on"]
	_, err = h.Vendors.UpdateCUEC(r.Context(), c.P, cid, vendors.CUECChange{Done: &done, OwnerID: &owner, DueOn: &due})
	if web.UserError(err) {
		h.SetFlash(w, "error", cu.Description+": "+attest.ErrorMessage(err))
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#checklist", c.Org.Slug, id), "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#checklist", c.Org.Slug, id), "Checklist saved.")
}
