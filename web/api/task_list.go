package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiTasks lists tasks: an employee's own, or everyone's for readers.
func (h *Handler) apiTasks(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	today := attest.Today(h.Now())
	f := store.TaskFilter{OpenOnly: q.Get("status") != "all"}
	if q.Get("owner") == "me" {
		f.OwnerID = c.User.ID
	}
	if q.Get("overdue") == "true" {
		f.OverdueOn = today
	}
	tasks, err := h.Tasks.List(r.Context(), c.P, f)
	if err != nil {
		return err
	}
	out := make([]taskJSON, 0, len(tasks))
	for _, t := range tasks {
		out = append(out, toTaskJSON(t, today))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"tasks": out})
	return nil
}
