package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/export/auditpkg"
)

// AuditExport streams an audit's export package, shared by the pages and the
// API: ?framework= (SOC 2 when empty) and ?as_of=DAY for Type 1, or ?from=DAY
// &to=DAY for Type 2; ?label= names the audit. Until audits are records, the
// audit is described by these parameters (see docs/audits.md).
func (s *Services) AuditExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	in := auditpkg.Input{Audit: q.Get("label"), Framework: q.Get("framework"), Type: auditpkg.Type2, AsOf: q.Get("as_of"), From: q.Get("from"), To: q.Get("to")}
	if in.AsOf != "" {
		in.Type = auditpkg.Type1
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("attest-audit-"+c.Org.Slug+"-"+in.Label()+".zip"))
	h.Set("Cache-Control", "no-store")
	cw := &CountingWriter{W: w}
	if _, err := s.AuditPackages.Export(r.Context(), c.P, in, cw); err != nil {
		if cw.N == 0 {
			// Nothing sent yet: answer with a proper error instead of an empty zip.
			h.Del("Content-Disposition")
			h.Del("Content-Type")
			return err
		}
		// Part of the zip is out: it will not verify, and the log says why.
		s.Log.Error("audit export failed", "org", c.Org.Slug, "err", err)
		return nil
	}
	return s.AuditPackages.RecordExport(r.Context(), c.P, in, "")
}

// AuditRecordExport streams the package of the audit record in the path
// ({audit}), shared by the audit's page and the API so that both give the
// same package (populations, samples, results and request list with the
// evidence) under the same decision: programme.AuditPackages reads the audit
// through the caller's principal, an invited auditor's grant included, and
// a finished download is logged as audit.exported.
func (s *Services) AuditRecordExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("audit"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "audit not found")
	}
	in, err := s.AuditPackages.AuditInput(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("attest-"+c.Org.Slug+"-"+in.Label()+".zip"))
	h.Set("Cache-Control", "no-store")
	cw := &CountingWriter{W: w}
	if _, _, err := s.AuditPackages.ExportAudit(r.Context(), c.P, id, cw); err != nil {
		if cw.N == 0 {
			h.Del("Content-Disposition")
			h.Del("Content-Type")
			return err
		}
		s.Log.Error("audit package failed", "org", c.Org.Slug, "audit", id, "err", err)
		return nil
	}
	return s.AuditPackages.RecordExport(r.Context(), c.P, in, "")
}

// CountingWriter counts the bytes written through it, so a streaming
// download knows whether an error can still become an error response.
type CountingWriter struct {
	W io.Writer
	N int64
}

func (c *CountingWriter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.N += int64(n)
	return n, err
}
