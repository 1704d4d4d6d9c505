package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// home sends a user to their organization, or lets them choose among several.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ms, err := h.Memberships(r.Context(), c)
	if err != nil {
		return err
	}
	if len(ms) == 1 {
		to := "/o/" + ms[0].Org.Slug
		if ms[0].Role == "" { // an auditor of an audit there: its pages are all they see
			to += "/audits"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	h.Render(w, r, c, http.StatusOK, "home", ms)
	return nil
}
