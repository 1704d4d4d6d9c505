package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// attachment sets the headers of a download named after the organization and now.
func (h *Handler) attachment(w http.ResponseWriter, c *web.Ctx, what, ext string) {
	types := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json", "md": "text/markdown; charset=utf-8", "zip": "application/zip",
		"pdf": "application/pdf"}
	name := fmt.Sprintf("attest-%s-%s-%s.%s", what, c.Org.Slug, h.Now().UTC().Format("20060102T150405Z"), ext)
	w.Header().Set("Content-Type", types[ext])
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// csvSafe defuses spreadsheet formula injection (attest.SafeCSV).
func csvSafe(s string) string { return attest.SafeCSV(s) }
