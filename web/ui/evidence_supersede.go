package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) supersedeEvidence(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	old, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	ev, _, err := h.ReceiveEvidence(w, r, c, old.ID)
	if web.UserError(err) {
		h.SetFlash(w, "error", "The correction was not added: "+web.Sentence(err))
		http.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, old.ID), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "The correction supersedes "+old.UID+"; both stay in the ledger.")
}
