package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// changeBank stores the window's register as evidence of the change
// controls, and opens the evidence.
func (h *Handler) changeBank(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "days")
	days := 0
	if v := f.Values["days"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return attest.Invalid("days", "must be a whole number of days (got %q)", v)
		}
		days = n
	}
	ev, _, err := h.Changes.Bank(r.Context(), c.P, days)
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/evidence/%d", c.Org.Slug, ev.ID), "The changes register is banked as evidence: "+ev.Title+".")
}
