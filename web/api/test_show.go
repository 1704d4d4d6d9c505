package api

import (
	"net/http"

	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// apiTest shows one test: its definition, version and current results.
func (h *Handler) apiTest(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	t, custom, err := h.Monitor.Test(r.Context(), c.P, r.PathValue("id"))
	if err != nil {
		return err
	}
	results, err := h.Monitor.Results(r.Context(), c.P, store.ResultFilter{Test: t.ID})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"test": t.Definition, "version": t.Version, "custom": custom, "results": nonNil(results)})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
