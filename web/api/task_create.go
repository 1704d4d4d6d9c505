package api

import (
	"errors"
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiCreateTask(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		OwnerID     int64  `json:"owner_id"`
		DueOn       string `json:"due_on"`
		Priority    string `json:"priority"`
		ControlID   int64  `json:"control_id"`
		Criterion   string `json:"criterion"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t := attest.Task{Title: in.Title, Description: in.Description, OwnerID: in.OwnerID, DueOn: in.DueOn, Priority: in.Priority,
		ControlID: in.ControlID, Requirement: in.Criterion}
	t, err := h.Tasks.Create(r.Context(), c.P, t)
	var e *attest.Error
	if errors.As(err, &e) && e.Field == "requirement" {
		// The API calls a task's requirement its criterion.
		err = attest.Invalid("criterion", "%s", e.Message)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toTaskJSON(t, attest.Today(h.Now())))
	return nil
}
