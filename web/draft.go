package web

import (
	"net/http"

	"github.com/attest-hq/attest"
)

// WriteDraft answers a Markdown draft as it is (format "" or "md") or as
// PDF (format "pdf", rendered by pdf). attach, when not nil, sets the
// download's headers for the extension chosen; otherwise only the content
// type is set.
func WriteDraft(w http.ResponseWriter, format, md string, pdf func() ([]byte, error), attach func(ext string)) error {
	body, ext, typ := []byte(md), "md", "text/markdown; charset=utf-8"
	switch format {
	case "", "md":
	case "pdf":
		b, err := pdf()
		if err != nil {
			return err
		}
		body, ext, typ = b, "pdf", "application/pdf"
	default:
		return attest.Invalid("format", "want md or pdf, got %q", format)
	}
	if attach != nil {
		attach(ext)
	} else {
		w.Header().Set("Content-Type", typ)
	}
	_, err := w.Write(body)
	return err
}
