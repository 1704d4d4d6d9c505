package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// progressTask changes only a task's status: what an employee does with the
// work assigned to them.
func (h *Handler) progressTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, err := h.loadTask(r, c)
	if err != nil {
		return err
	}
	if !c.P.MayProgressTask(t) {
		return attest.Errorf(attest.EFORBIDDEN, "Only the task's owner or a manager can change its status.")
	}
	before := t.Status
	t.Status = r.PostFormValue("status")
	ctx := r.Context()
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.UpdateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("task.status_changed", "task", idString(t.ID), fmt.Sprintf("“%s”: %s → %s", t.Title, before, t.Status)))
	})
	if err != nil {
		return err
	}
	back := web.SafeNext(r.PostFormValue("return"))
	if back == "/" {
		back = fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID)
	}
	return h.Redirect(w, r, back, "“"+t.Title+"” is now "+strings.ReplaceAll(t.Status, "_", " ")+".")
}
