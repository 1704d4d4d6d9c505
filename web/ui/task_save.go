package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// updateTask saves every field of a task (managers and admins).
func (h *Handler) updateTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	before, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	t := before
	f := taskFromForm(r, &t)
	t, err = h.Tasks.Update(r.Context(), c.P, t)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTask(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID), "Task saved.")
}
