package api

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiTest shows one test: its definition, version and the first page of its
// current results; next_cursor, when present, continues them in the result
// list (GET …/results?test=ID&cursor=…).
func (h *Handler) apiTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, custom, err := h.Monitor.Test(r.Context(), c.P, r.PathValue("id"))
	if err != nil {
		return err
	}
	results, next, err := h.resultPage(r, c, store.ResultFilter{Test: t.ID, Limit: resultPageSize})
	if err != nil {
		return err
	}
	resp := map[string]any{"test": t.Definition, "version": t.Version, "custom": custom, "results": results}
	if next != "" {
		resp["next_cursor"] = next
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
