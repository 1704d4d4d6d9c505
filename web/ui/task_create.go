package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// createTask adds a task, standing alone or from a gap (a control or criterion).
func (h *Handler) createTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t := attest.Task{OrgID: c.Org.ID, CreatedBy: c.User.ID}
	f := taskFromForm(r, &t)
	ctx := r.Context()
	var err error
	if t.Requirement != "" {
		if _, ok := h.Catalog.SOC2().Requirement(t.Requirement); !ok {
			err = attest.Invalid("requirement", "%q is not a SOC 2 criterion", t.Requirement)
		}
	}
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.CreateTask(ctx, &t); err != nil {
				return err
			}
			return tx.Log(ctx, c.P.Record("task.created", "task", idString(t.ID), web.TaskSummary("Created task", t)))
		})
	}
	back := web.SafeNext(f.Values["return"])
	if back == "/" {
		back = "/o/" + c.Org.Slug + "/tasks"
	}
	if web.UserError(err) {
		// The form may sit on another page (a control, a criterion); report there.
		if back != "/o/"+c.Org.Slug+"/tasks" {
			h.SetFlash(w, "error", "The task was not created: "+attest.ErrorMessage(err))
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
