package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRecordExercise records a held exercise: a ledger record.
func (h *Handler) apiRecordExercise(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Kind         string   `json:"kind"`
		Format       string   `json:"format"`
		HeldOn       string   `json:"held_on"`
		Title        string   `json:"title"`
		Scenario     string   `json:"scenario"`
		Participants []string `json:"participants"`
		Findings     string   `json:"findings"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := h.Incidents.RecordExercise(r.Context(), c.P, attest.Exercise{Kind: in.Kind, Format: in.Format, HeldOn: in.HeldOn, Title: in.Title,
		Scenario: in.Scenario, Participants: in.Participants, Findings: in.Findings})
	if err != nil {
		return err
	}
	return h.writeExercise(w, r, c, http.StatusCreated, e.ID)
}
