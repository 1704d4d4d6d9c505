package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// createAudit starts an audit in planning.
func (h *Handler) createAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, auditFields...)
	a, err := h.Audits.Create(r.Context(), c.P, auditOf(f))
	if web.UserError(err) {
		f.Fail(err)
		return h.renderAudits(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, auditPath(c, a.ID), "Audit "+a.Name+" created. Invite the firm's auditors when it is ready for them.")
}
