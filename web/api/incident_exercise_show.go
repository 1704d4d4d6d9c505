package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiExercise returns an exercise with its follow-ups and history.
func (h *Handler) apiExercise(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "exercise")
	if err != nil {
		return err
	}
	return h.writeExercise(w, r, c, http.StatusOK, id)
}

func (h *Handler) writeExercise(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, id int64) error {
	d, err := h.Incidents.Exercise(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	d.Exercise.Participants = nonNil(d.Exercise.Participants)
	web.WriteJSON(w, status, map[string]any{"exercise": d.Exercise, "next_due": attest.ExerciseDue(d.Exercise.HeldOn),
		"follow_ups": tasksJSON(d.FollowUps, attest.Today(h.Now())), "history": activityJSON(d.History)})
	return nil
}
