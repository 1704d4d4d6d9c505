package ui

import (
	"net/http"

	"github.com/attest-hq/attest/change"
	"github.com/attest-hq/attest/web"
)

// changeExport downloads the window's changes as CSV: the population an
// auditor samples for CC8.1, one row per pull request deployed.
func (h *Handler) changeExport(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	days, _, err := changeFilter(r)
	if err != nil {
		return err
	}
	rep, err := h.Changes.Report(r.Context(), c.P, days)
	if err != nil {
		return err
	}
	h.attachment(w, c, "changes", "csv")
	return change.WriteCSV(w, rep)
}
