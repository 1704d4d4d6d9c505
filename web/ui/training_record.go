package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/training"
	"github.com/attest-hq/attest/web"
)

// recordTraining records a person's completion of an external course, with
// its certificate uploaded or a link.
func (h *Handler) recordTraining(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.Evidence.MaxSize+64<<10)
	f := web.NewForm(r, "person", "course", "completed_on", "link")
	in := attest.TrainingCompletion{Course: f.Values["course"], CompletedOn: f.Values["completed_on"], Link: f.Values["link"]}
	in.PersonID, _ = strconv.ParseInt(f.Values["person"], 10, 64)
	var cert *training.Certificate
	if file, hdr, err := r.FormFile("certificate"); err == nil {
		defer file.Close()
		if hdr.Size > 0 {
			cert = &training.Certificate{Filename: hdr.Filename, Content: file}
		}
	}
	done, err := h.Training.RecordExternal(r.Context(), c.P, in, cert)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTraining(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/training", "Recorded that "+done.PersonName+" completed "+done.Course+".")
}

// saveTrainingSettings saves the organization's deadlines for training and
// background checks.
func (h *Handler) saveTrainingSettings(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	back := "/o/" + c.Org.Slug + "/people/training"
	tdays, err1 := strconv.Atoi(r.PostFormValue("training_days"))
	bdays, err2 := strconv.Atoi(r.PostFormValue("background_days"))
	if err1 != nil || err2 != nil {
		h.SetFlash(w, "error", "Not saved: the deadlines are whole numbers of days.")
		return h.Redirect(w, r, back, "")
	}
	err := h.People.SaveSettings(r.Context(), c.P, store.PeopleSettings{TrainingDays: tdays, BackgroundDays: bdays})
	if web.UserError(err) {
		h.SetFlash(w, "error", "Not saved: "+web.Sentence(err))
		return h.Redirect(w, r, back, "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, "Saved the deadlines.")
}
