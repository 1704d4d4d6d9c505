package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/store"
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
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		summary := web.TaskSummary("Updated task", t)
		if before.Status != t.Status {
			summary += fmt.Sprintf("; status %s → %s", before.Status, t.Status)
		}
		return tx.Log(ctx, c.P.Record("task.updated", "task", idString(t.ID), summary))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderTask(w, r, c, http.StatusUnprocessableEntity, before, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID), "Task saved.")
}
