package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// completeVendorReview approves a draft review with its conclusion; the
// signed-in member is the reviewer.
func (h *Handler) completeVendorReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "review", "vendor review")
	if err != nil {
		return err
	}
	if _, err := h.reviewOf(r, c, id, rid); err != nil {
		return err
	}
	f := web.NewForm(r, "conclusion")
	_, err = h.Vendors.Complete(r.Context(), c.P, rid, f.Values["conclusion"])
	if web.UserError(err) {
		f.Fail(err)
		return h.renderVendor(w, r, c, http.StatusUnprocessableEntity, id, vendorView{DraftForm: f}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/vendors/%d#review-%d", c.Org.Slug, id, rid), "Review approved and recorded in the ledger.")
}
