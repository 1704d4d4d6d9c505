package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// auditPage is an audit's workspace. With ?preview=auditor a member sees it
// exactly as an invited auditor would: rendered through the auditor's
// principal (attest.Principal.AsAuditor), so the preview applies the same
// rules as the real thing.
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
	p := c.P
	preview := r.URL.Query().Get("preview") == "auditor" && !c.P.Guest()
	if preview {
		if _, err := h.Audits.Get(r.Context(), c.P, id); err != nil {
			return err
		}
		p = c.P.AsAuditor(id)
	}
	ws, err := h.Audits.Workspace(r.Context(), p, id)
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
	h.RenderForm(w, r, c, status, "audit", auditView{Workspace: ws, Statuses: attest.AuditStatuses, Preview: preview, Invited: inv}, f)
	return nil
}
