package ui

import (
	"net/http"
	"net/url"

	"github.com/attest-hq/attest/web"
)

// auditPackage streams the audit's export package (export/auditpkg) for
// members and its invited auditors; a finished download is in the activity
// log.
func (h *Handler) auditPackage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := auditID(r)
	if err != nil {
		return err
	}
	in, err := h.AuditPackages.AuditInput(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/zip")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("attest-"+c.Org.Slug+"-"+in.Label()+".zip"))
	hd.Set("Cache-Control", "no-store")
	cw := &web.CountingWriter{W: w}
	if _, _, err := h.AuditPackages.ExportAudit(r.Context(), c.P, id, cw); err != nil {
		if cw.N == 0 {
			hd.Del("Content-Disposition")
			hd.Del("Content-Type")
			return err
		}
		h.Log.Error("audit package failed", "org", c.Org.Slug, "audit", id, "err", err)
		return nil
	}
	return h.AuditPackages.RecordExport(r.Context(), c.P, in, "")
}
