package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// auditsPage lists the audits the caller may see: every one for members,
// their own for an invited auditor.
func (h *Handler) auditsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := h.Audits.Viewed(r.Context(), c.P, 0, "the list of audits"); err != nil {
		return err
	}
	return h.renderAudits(w, r, c, http.StatusOK, nil)
}
