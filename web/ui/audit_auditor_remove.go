package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// removeAuditor ends an invited auditor's access to the audit.
func (h *Handler) removeAuditor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	email := r.PostFormValue("email")
	if err := h.Audits.RemoveAuditor(r.Context(), c.P, id, email); err != nil {
		return err
	}
	return h.Redirect(w, r, auditPath(c, id), "The access of "+email+" to this audit has ended.")
}
