package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

// apiExercises lists the exercises, newest first, with the yearly schedule.
func (h *Handler) apiExercises(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Incidents.Exercises(r.Context(), c.P)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Participants = nonNil(list[i].Participants)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"exercises": nonNil(list), "schedule": incident.Schedule(list, attest.Today(h.Now()))})
	return nil
}
