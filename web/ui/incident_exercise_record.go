package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/incident"
	"github.com/attest-hq/attest/web"
)

// recordExercise records a held exercise from the register page's form.
func (h *Handler) recordExercise(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "kind", "format", "held_on", "title", "scenario", "participants", "findings")
	e := attest.Exercise{Kind: f.Values["kind"], Format: f.Values["format"], HeldOn: f.Values["held_on"], Title: f.Values["title"],
		Scenario: f.Values["scenario"], Participants: incident.SplitList(commaList(f.Values["participants"])), Findings: f.Values["findings"]}
	e, err := h.Incidents.RecordExercise(r.Context(), c.P, e)
	if web.UserError(err) {
		failForm(f, err)
		return h.renderIncidents(w, r, c, http.StatusUnprocessableEntity, incidentsView{ExerciseForm: f}, nil)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/exercises/"+strconv.FormatInt(e.ID, 10), "Exercise recorded in the ledger.")
}
