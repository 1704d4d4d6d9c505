package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// signOffIncident signs off a resolved incident's post-mortem, closing it
// with a ledger record.
func (h *Handler) signOffIncident(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "incident")
	if err != nil {
		return err
	}
	_, err = h.Incidents.SignOff(r.Context(), c.P, id)
	back := "/o/" + c.Org.Slug + "/incidents/" + r.PathValue("id")
	if web.UserError(err) {
		h.SetFlash(w, "error", web.Sentence(err))
		return h.Redirect(w, r, back, "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, "Post-mortem signed off; the incident is closed and the sign-off is in the ledger.")
}
