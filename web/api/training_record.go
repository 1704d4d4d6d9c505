package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiRecordTraining records a person's completion of an external course
// with a link: {"person_id", "course", "completed_on", "link"}. A
// certificate file is uploaded in the UI or with the CLI.
func (h *Handler) apiRecordTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		PersonID    int64  `json:"person_id"`
		Course      string `json:"course"`
		CompletedOn string `json:"completed_on"`
		Link        string `json:"link"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	done, err := h.Training.RecordExternal(r.Context(), c.P, attest.TrainingCompletion{PersonID: in.PersonID, Course: in.Course,
		CompletedOn: in.CompletedOn, Link: in.Link}, nil)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, done)
	return nil
}
