package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/web"
)

// takeTraining scores the signed-in person's answers to the quiz: a pass is
// recorded, a fail shows the score and the quiz again.
func (h *Handler) takeTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	course := h.Training.Course
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	answers := make([]int, len(course.Questions))
	for i := range course.Questions {
		name := "q" + strconv.Itoa(i+1)
		v := r.PostFormValue(name)
		f.Values[name] = v
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // unanswered: the service names the question
		}
		answers[i] = n
	}
	res, err := h.Training.TakeQuiz(r.Context(), c.P, r.PostFormValue("course_hash"), answers)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderMyTraining(w, r, c, http.StatusUnprocessableEntity, nil, f)
	}
	if err != nil {
		return err
	}
	if !res.Passed {
		return h.renderMyTraining(w, r, c, http.StatusOK, &res, f)
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/my/training",
		"Passed "+course.Title+" with "+strconv.Itoa(res.Score)+"%: your completion is recorded.")
}
