package api

import (
	"errors"
	"mime"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/vendors"
	"github.com/attest-hq/attest/web"
)

// apiImportVendors imports a CSV file sent as the body (Content-Type:
// text/csv), all or nothing: 200 with the report, or 422 naming each
// rejected row's line and field.
func (h *Handler) apiImportVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return attest.Invalid("file", "send the CSV file as the request body with Content-Type: text/csv (got %q)", r.Header.Get("Content-Type"))
	}
	if r.ContentLength > vendors.MaxImportSize {
		return attest.Invalid("file", "is larger than %d MiB", vendors.MaxImportSize>>20)
	}
	rep, err := h.Vendors.Import(r.Context(), c.P, r.Body)
	if errors.Is(err, vendors.ErrRejected) {
		return web.WithDetail(err, "report", rep)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}
