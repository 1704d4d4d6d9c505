package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// auditPage is an audit's workspace. A member may preview it, and the audit's
// other pages, exactly as an invited auditor would (auditViewer).
func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderAudit(w, r, c, http.StatusOK, nil, invited{})
}

// invited is an invitation just made, shown once on the page.
type invited struct {
	Email, Link string
	Emailed     bool
}

func (h *Handler) renderAudit(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form, inv invited) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	v, err := h.auditViewer(w, r, c, id)
	if err != nil {
		return err
	}
	ws, err := h.Audits.Workspace(r.Context(), v.P, id)
	if err != nil {
		return err
	}
	if err := h.Audits.Viewed(r.Context(), c.P, id, "the audit "+ws.Audit.Name); err != nil {
		return err
	}
	if f == nil {
		f = web.NewForm(r)
		a := ws.Audit
		f.Values = map[string]string{"name": a.Name, "firm": a.Firm, "type": string(a.Type), "as_of": a.AsOf, "from": a.From, "to": a.To,
			"early_access": a.Early, "status": string(a.Status)}
	}
	h.RenderForm(w, r, v, status, "audit", auditView{Workspace: ws, Statuses: attest.AuditStatuses, Invited: inv}, f)
	return nil
}

// auditViewer is the context an audit's page renders through: the caller's
// own or, while a member previews the audit as its auditors
// (web.Server.AuditPreview), one whose principal is the auditor's
// (attest.Principal.AsAuditor), so the preview applies the same rules as the
// real thing on every page of the audit. Views are logged as the caller's
// own (c), so a preview adds no auditor's view to the activity log.
func (h *Handler) auditViewer(w http.ResponseWriter, r *http.Request, c *web.Ctx, id int64) (*web.Ctx, error) {
	// A form posted during a preview comes back with its errors in the
	// member's own view, where the form is.
	if c.P.Guest() || r.Method != http.MethodGet || !h.AuditPreview(w, r, fmt.Sprintf("/o/%s/audits/%d", c.Org.Slug, id)) {
		return c, nil
	}
	if _, err := h.Audits.Get(r.Context(), c.P, id); err != nil {
		return nil, err
	}
	v := *c
	v.P, v.Role, v.Preview = c.P.AsAuditor(id), "", true
	return &v, nil
}
