package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// exportEvidence streams the organization's bundle: every evidence version,
// the ledger, the checkpoints and each file once, verifiable offline with the
// install's public key. The zip is written straight to the response.
func (h *Handler) exportEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	entries, err := h.DB.LedgerEntries(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s has no evidence to export yet.", c.Org.Name)
	}
	h.attachment(w, c, "evidence", "zip")
	cw := &web.CountingWriter{W: w}
	if _, err := h.Evidence.Export(r.Context(), *c.Org, cw); err != nil {
		if cw.N == 0 {
			// Nothing sent yet: answer with a proper error page instead of an empty zip.
			w.Header().Del("Content-Disposition")
			w.Header().Del("Content-Type")
			return err
		}
		// Part of the zip is out: it will not verify, and the log says why.
		h.Log.Error("evidence export failed", "org", c.Org.Slug, "err", err)
		return nil
	}
	return h.Evidence.RecordExport(r.Context(), c.P, "")
}
