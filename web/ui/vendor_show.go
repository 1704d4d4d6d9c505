package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// vendorPage shows a vendor: its details, reviews and report, the
// checklist of user entity controls its report asks of us, and its history.
func (h *Handler) vendorPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "vendor")
	if err != nil {
		return err
	}
	return h.renderVendor(w, r, c, http.StatusOK, id, vendorView{}, nil)
}
