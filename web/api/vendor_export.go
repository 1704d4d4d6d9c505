package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiExportVendors answers the register as CSV, in the columns an import
// reads.
func (h *Handler) apiExportVendors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if _, err := h.Vendors.List(r.Context(), c.P); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return h.Vendors.WriteCSV(r.Context(), c.P, w)
}

// apiSubprocessors answers the subprocessor list: JSON by default,
// ?format=csv or ?format=md for the documents to publish.
func (h *Handler) apiSubprocessors(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	vs, err := h.Vendors.Subprocessors(r.Context(), c.P)
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		today := attest.Today(h.Now())
		out := []vendorJSON{}
		for _, v := range vs {
			out = append(out, toVendorJSON(v, today))
		}
		web.WriteJSON(w, http.StatusOK, out)
		return nil
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "md":
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	default:
		return attest.Invalid("format", "must be json, csv or md (got %q)", f)
	}
	return h.Vendors.WriteSubprocessors(r.Context(), c.P, r.URL.Query().Get("format"), w)
}
