package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// evidencePage is the evidence library: search and filters, what expires in
// the next 30 days, and the upload form for editors.
func (h *Handler) evidencePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderEvidenceList(w, r, c, http.StatusOK, nil)
}
