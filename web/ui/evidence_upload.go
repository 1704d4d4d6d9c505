package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"

	"github.com/attest-hq/attest/web"
)

// addEvidence answers the upload form; web.Services.ReceiveEvidence does the work.
func (h *Handler) addEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ev, f, err := h.ReceiveEvidence(w, r, c, 0)
	if err == nil && !c.Can(attest.ActRead) {
		// An employee added it from their control's page, and goes back there.
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, ev.Controls[0].ID), "Evidence added to the ledger as entry "+strconv.FormatInt(ev.LedgerSeq, 10)+".")
	}
	if err == nil {
		return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "Evidence added to the ledger as entry "+strconv.FormatInt(ev.LedgerSeq, 10)+".")
	}
	if web.UserError(err) && !c.Can(attest.ActRead) {
		// An employee's upload box is on their control's page: say it there,
		// on an address that reloads, rather than on the evidence library.
		h.SetFlash(w, "error", "The evidence was not added: "+web.Sentence(err))
		to := "/o/" + c.Org.Slug
		first, _, _ := strings.Cut(f.Values["control"], ",")
		if id, perr := strconv.ParseInt(first, 10, 64); perr == nil {
			// Back to the control only if they may open it; else Your work.
			if ctl, lerr := h.DB.Control(r.Context(), c.Org.ID, id); lerr == nil && c.P.Visibility(attest.RecordControl).Admits(ctl.OrgID, ctl.OwnerID) {
				to = fmt.Sprintf("/o/%s/controls/%d", c.Org.Slug, id)
			}
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderEvidenceList(w, r, c, http.StatusUnprocessableEntity, f)
	}
	return err
}
