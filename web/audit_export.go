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
// &to=DAY for Type 2; ?label= names the audit. The audit is described by
// these parameters; an audit record's package is AuditRecordExport's (see
// docs/audits.md).
func (s *Services) AuditExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	in := auditpkg.Input{Audit: q.Get("label"), Framework: q.Get("framework"), Type: auditpkg.Type2, AsOf: q.Get("as_of"), From: q.Get("from"), To: q.Get("to")}
	if in.AsOf != "" {
		in.Type = auditpkg.Type1
	}
	return s.sendPackage(w, r, c, in, "attest-audit-"+c.Org.Slug+"-"+in.Label()+".zip", func(w io.Writer) error {
		_, err := s.AuditPackages.Export(r.Context(), c.P, in, w)
		return err
	})
}

// AuditRecordExport streams the package of the audit record in the path
// ({audit}), shared by the audit's page and the API so that both give the
// same package (populations, samples, results and request list with the
// evidence) under the same decision: programme.AuditPackages reads the audit
// through the caller's principal, an invited auditor's grant included.
func (s *Services) AuditRecordExport(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("audit"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "audit not found")
	}
	in, err := s.AuditPackages.AuditInput(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	return s.sendPackage(w, r, c, in, "attest-"+c.Org.Slug+"-"+in.Label()+".zip", func(w io.Writer) error {
		_, _, err := s.AuditPackages.ExportAudit(r.Context(), c.P, id, w)
		return err
	})
}

// sendPackage sends the package export writes as a download named
// filename, and records a finished one in the activity log (audit.exported).
func (s *Services) sendPackage(w http.ResponseWriter, r *http.Request, c *Ctx, in auditpkg.Input, filename string, export func(io.Writer) error) error {
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(filename))
	h.Set("Cache-Control", "no-store")
	cw := &CountingWriter{W: w}
	if err := export(cw); err != nil {
		if cw.N == 0 {
			// Nothing sent yet: answer with a proper error instead of an empty zip.
			h.Del("Content-Disposition")
			h.Del("Content-Type")
			return err
		}
		// Part of the zip is out: it will not verify, and the log says why.
		s.Log.Error("audit package failed", "org", c.Org.Slug, "package", in.Label(), "err", err)
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
