package ui

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// tasksPage lists remediation tasks. Employees see their own; readers see all,
// filterable to their own, open or overdue ones.
func (h *Handler) tasksPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTasks(w, r, c, http.StatusOK, nil)
}
