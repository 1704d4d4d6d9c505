package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// addChecklistStep appends a step to a template.
func (h *Handler) addChecklistStep(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "title", "owner", "owner_user", "due_days", "check")
	id, err := pathID(r, "id", "checklist template")
	if err != nil {
		return err
	}
	st := attest.ChecklistStep{Title: f.Values["title"], Owner: f.Values["owner"], Check: f.Values["check"]}
	st.OwnerUserID, _ = strconv.ParseInt(f.Values["owner_user"], 10, 64)
	if st.DueDays, err = strconv.Atoi(f.Values["due_days"]); err != nil {
		err = attest.Invalid("due_days", "want a number of days (negative: before the date)")
	} else {
		st, err = h.Checklists.AddStep(r.Context(), c.P, id, st)
	}
	if web.UserError(err) {
		f.Error = web.Sentence(err) // the form repeats per template: say it above them
		return h.renderChecklists(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/people/checklists#template-"+strconv.FormatInt(id, 10), "Step “"+st.Title+"” added.")
}
