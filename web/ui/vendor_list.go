package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// vendorsPage lists the vendor register with each vendor's criticality and
// next review (?filter=overdue, critical or subprocessors), with forms to
// add a vendor and import a CSV file.
func (h *Handler) vendorsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderVendors(w, r, c, http.StatusOK, vendorsView{}, nil)
}
