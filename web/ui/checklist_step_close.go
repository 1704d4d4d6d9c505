package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// closeChecklistStep closes a step of a person's checklist by hand, with a
// note saying what was done and optionally a file that shows it.
func (h *Handler) closeChecklistStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.Evidence.MaxSize+64<<10)
	f := web.NewForm(r, "note")
	var proof *programme.Proof
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if hdr.Size > 0 {
			proof = &programme.Proof{Filename: hdr.Filename, Content: file}
		}
	}
	person, err := pathID(r, "id", "person")
	if err != nil {
		return err
	}
	step, err := pathID(r, "step", "checklist step")
	if err != nil {
		return err
	}
	_, err = h.Checklists.CloseStep(r.Context(), c.P, person, step, f.Values["note"], proof)
	if web.UserError(err) && c.P.Can(attest.ActRead) {
		f.Error = web.Sentence(err) // the form repeats per step: say it above them
		return h.renderChecklists(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/checklists#person-"+strconv.FormatInt(person, 10), "Step closed.")
}
