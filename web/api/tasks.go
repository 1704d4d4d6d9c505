package api

import (
	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// taskRoutes are the routes of this area, with the access each needs.
func (h *Handler) taskRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/tasks", web.Own, h.apiTasks),
		route("POST", "/orgs/{org}/tasks", web.Edit, h.apiCreateTask),
	}
}

type taskJSON struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	OwnerID     int64  `json:"owner_id,omitempty"`
	Owner       string `json:"owner,omitempty"`
	DueOn       string `json:"due_on,omitempty"`
	Priority    string `json:"priority"`
	Status      string `json:"status"`
	Overdue     bool   `json:"overdue"`
	ControlID   int64  `json:"control_id,omitempty"`
	ControlRef  string `json:"control_ref,omitempty"`
	Criterion   string `json:"criterion,omitempty"`
	CreatedAt   string `json:"created_at"`
}

func toTaskJSON(t attest.Task, today string) taskJSON {
	return taskJSON{ID: t.ID, Title: t.Title, Description: t.Description, OwnerID: t.OwnerID, Owner: t.OwnerName, DueOn: t.DueOn,
		Priority: t.Priority, Status: t.Status, Overdue: t.OverdueOn(today), ControlID: t.ControlID,
		ControlRef: t.ControlRef, Criterion: t.Requirement, CreatedAt: web.RFC3339(t.CreatedAt)}
}
