package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// changeRules saves the emergency label and how long after merging an
// emergency change may be reviewed.
func (h *Handler) changeRules(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "emergency_label", "emergency_hours")
	hours, err := strconv.Atoi(f.Values["emergency_hours"])
	if err != nil {
		err = attest.Invalid("emergency_hours", "want a whole number of hours")
	} else {
		err = h.Changes.SetRules(r.Context(), c.P, attest.ChangeRules{EmergencyLabel: f.Values["emergency_label"], EmergencyHours: hours})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderChanges(w, r, c, http.StatusUnprocessableEntity, changesView{}, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/changes", "Change rules saved.")
}
