package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// progressTask changes only a task's status: what an employee does with the
// work assigned to them.
func (h *Handler) progressTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return attest.Errorf(attest.ENOTFOUND, "task not found")
	}
	t, err := h.Tasks.Progress(r.Context(), c.P, id, r.PostFormValue("status"))
	if err != nil {
		return err
	}
	back := web.SafeNext(r.PostFormValue("return"))
	if back == "/" {
		back = fmt.Sprintf("/o/%s/tasks/%d", c.Org.Slug, t.ID)
	}
	return h.Redirect(w, r, back, "“"+t.Title+"” is now "+strings.ReplaceAll(t.Status, "_", " ")+".")
}
