package api

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// apiSoA is the ISO 27001 Statement of Applicability: JSON by default, or
// ?format=csv, md or pdf as a download.
func (h *Handler) apiSoA(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	d, err := programme.SoA(r.Context(), &h.DB.Queries, h.Catalog, c.Org.ID)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" || format == "json" {
		web.WriteJSON(w, http.StatusOK, map[string]any{"organization": d.Organization, "framework": d.Framework,
			"generated_at": d.Generated.UTC(), "controls": d.Rows})
		return nil
	}
	return web.WriteSoA(w, c.Org.Slug, format, d)
}
