package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// addEvidence answers the upload form; web.Services.ReceiveEvidence does the work.
func (h *Handler) addEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ev, f, err := h.ReceiveEvidence(w, r, c, 0)
	if err == nil {
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "Evidence added to the ledger as entry "+strconv.FormatInt(ev.LedgerSeq, 10)+".")
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderEvidenceList(w, r, c, http.StatusUnprocessableEntity, f)
	}
	return err
}
