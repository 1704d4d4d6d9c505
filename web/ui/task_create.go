package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// createTask adds a task, standing alone or from a gap (a control or criterion).
func (h *Handler) createTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var t attest.Task
	f := taskFromForm(r, &t)
	t, err := h.Tasks.Create(r.Context(), c.P, t)
	back := web.SafeNext(f.Values["return"])
	if back == "/" {
		back = "/o/" + c.Org.Slug + "/tasks"
	}
	if web.UserError(err) {
		// The form may sit on another page (a control, a criterion); report there.
		if back != "/o/"+c.Org.Slug+"/tasks" {
			h.SetFlash(w, "error", "The task was not created: "+web.Sentence(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		f.Fail(err)
		return h.renderTasks(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, "Task created: "+t.Title)
}
