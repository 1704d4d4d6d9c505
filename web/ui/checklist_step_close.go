package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// closeChecklistStep closes a step of a person's checklist by hand, with a
// note saying what was done.
func (h *Handler) closeChecklistStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "note")
	person, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	step, err := pathID(r, "step", "checklist step")
	if err != nil {
		return err
	}
	_, err = h.Checklists.CloseStep(r.Context(), c.P, person, step, f.Values["note"])
	if web.UserError(err) && c.P.Can(attest.ActRead) {
		f.Error = web.Sentence(err) // the form repeats per step: say it above them
		return h.renderChecklists(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/checklists#person-"+strconv.FormatInt(person, 10), "Step closed.")
}
