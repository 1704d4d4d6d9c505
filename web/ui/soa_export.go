package ui

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// exportSoA downloads the ISO 27001 Statement of Applicability as CSV,
// Markdown (the default) or PDF.
func (h *Handler) exportSoA(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	d, err := programme.SoA(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "md"
	}
	return web.WriteSoA(w, c.Org.Slug, format, d)
}
