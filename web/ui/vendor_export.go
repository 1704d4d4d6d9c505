package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// exportVendors downloads the vendor register as CSV, in the columns an
// import reads.
func (h *Handler) exportVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Vendors.List(r.Context(), c.P); err != nil {
		return err
	}
	h.attachment(w, c, "vendors", "csv")
	return h.Vendors.WriteCSV(r.Context(), c.P, w)
}

// exportSubprocessors downloads the subprocessor list, as Markdown with
// ?format=md and as CSV otherwise.
func (h *Handler) exportSubprocessors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if _, err := h.Vendors.Subprocessors(r.Context(), c.P); err != nil {
		return err
	}
	if format == "csv" || format == "md" {
		h.attachment(w, c, "subprocessors", format)
	}
	return h.Vendors.WriteSubprocessors(r.Context(), c.P, format, w)
}
