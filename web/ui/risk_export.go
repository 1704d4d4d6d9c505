package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// exportRisks downloads the register as CSV, in the columns an import reads.
func (h *Handler) exportRisks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Risks.Scale(r.Context(), c.P); err != nil {
		return err // refused before any header is written
	}
	h.attachment(w, c, "risks", "csv")
	return h.Risks.Export(r.Context(), c.P, w)
}
