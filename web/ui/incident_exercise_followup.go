package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// addExerciseFollowUp opens a follow-up of an exercise: a task linked to it.
func (h *Handler) addExerciseFollowUp(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "exercise")
	if err != nil {
		return err
	}
	t, f := actionFromForm(r)
	_, err = h.Incidents.AddFollowUp(r.Context(), c.P, id, t)
	if web.UserError(err) {
		failForm(f, err)
		return h.renderExercise(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/exercises/"+r.PathValue("id"), "Follow-up opened as a task.")
}
