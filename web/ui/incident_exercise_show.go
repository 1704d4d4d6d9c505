package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

type exerciseView struct {
	incident.ExerciseDetail
	Due        string
	Priorities []string
	Members    []attest.Membership
	Today      string
}

// exercisePage shows a held exercise: scenario, participants, findings,
// follow-ups and history.
func (h *Handler) exercisePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderExercise(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderExercise(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	id, err := pathID(r, "id", "exercise")
	if err != nil {
		return err
	}
	d, err := h.Incidents.Exercise(ctx, c.P, id)
	if err != nil {
		return err
	}
	v := exerciseView{ExerciseDetail: d, Due: attest.ExerciseDue(d.Exercise.HeldOn), Priorities: attest.TaskPriorities(), Today: attest.Today(h.Now())}
	if c.Can(attest.ActEdit) {
		if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"priority": "medium"}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "exercise", v, f)
	return nil
}
