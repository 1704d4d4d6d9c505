package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
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
	if in.Criterion != "" {
		if _, ok := h.Catalog.SOC2().Requirement(in.Criterion); !ok {
			return attest.Invalid("criterion", "%q is not a SOC 2 criterion", in.Criterion)
		}
	}
	t := attest.Task{OrgID: c.Org.ID, Title: in.Title, Description: in.Description, OwnerID: in.OwnerID, DueOn: in.DueOn, Priority: in.Priority,
		ControlID: in.ControlID, Requirement: in.Criterion, CreatedBy: c.User.ID}
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateTask(ctx, &t); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("task.created", "task", idString(t.ID), web.TaskSummary("Created task", t)))
	})
	if err != nil {
		return err
	}
	t, err = h.DB.Task(ctx, c.Org.ID, t.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, toTaskJSON(t, h.Now().UTC().Format("2006-01-02")))
	return nil
}
