package ui

import (
	"net/http"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// saveAudit edits an audit's details and moves its status forward.
func (h *Handler) saveAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	f := web.NewForm(r, "name", "firm", "type", "as_of", "from", "to", "early_access", "status")
	// A field the form did not send stays as it is.
	sent := func(name string) *string {
		if _, ok := r.PostForm[name]; !ok {
			return nil
		}
		v := f.Values[name]
		return &v
	}
	ch := programme.AuditChange{Name: sent("name"), Firm: sent("firm"), Type: sent("type"), AsOf: sent("as_of"),
		From: sent("from"), To: sent("to"), Early: sent("early_access"), Status: sent("status")}
	a, err := h.Audits.Update(r.Context(), c.P, id, ch)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderAudit(w, r, c, http.StatusUnprocessableEntity, f, invited{})
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, auditPath(c, a.ID), "Audit saved.")
}
