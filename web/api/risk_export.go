package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiExportRisks answers the register as CSV, in the columns an import reads.
func (h *Handler) apiExportRisks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Risks.Scale(r.Context(), c.P); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return h.Risks.Export(r.Context(), c.P, w)
}
