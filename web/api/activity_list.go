package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

func (h *Handler) apiActivity(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f, err := web.ActivityFilter(q)
	if err != nil {
		return err
	}
	if f.Limit, err = pageLimit(q, web.ActivityPageSize, 1000); err != nil {
		return err
	}
	entries, err := h.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]web.ActivityJSON, 0, len(entries))
	for _, a := range entries {
		out = append(out, web.ToActivityJSON(a))
	}
	resp := map[string]any{"entries": out}
	if len(entries) == f.Limit {
		resp["next_before"] = entries[len(entries)-1].ID
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}
