package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiAddExerciseFollowUp opens a follow-up, a task linked to the exercise.
func (h *Handler) apiAddExerciseFollowUp(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := apiPathID(r, "exercise")
	if err != nil {
		return err
	}
	var in actionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Incidents.AddFollowUp(r.Context(), c.P, id, in.task())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toTaskJSON(t, attest.Today(h.Now())))
	return nil
}
