package web

import (
	"bytes"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/soa"
)

var soaTypes = map[string]string{"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8", "pdf": "application/pdf"}

// WriteSoA sends a Statement of Applicability as a download in format (csv,
// md or pdf), for the page and the API alike. It is printed whole before the
// first byte is sent, so a failure is an error page, not half a file.
func WriteSoA(w http.ResponseWriter, slug, format string, d soa.Document) error {
	ct, ok := soaTypes[format]
	if !ok {
		return attest.Invalid("format", "must be csv, md or pdf (got %q)", format)
	}
	var buf bytes.Buffer
	if err := soa.Write(&buf, format, d); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+slug+`-statement-of-applicability.`+format+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}
