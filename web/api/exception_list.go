package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiExceptions lists the organization's exceptions with their state.
func (h *Handler) apiExceptions(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	list, err := h.Monitor.Exceptions(r.Context(), c.P)
	if err != nil {
		return err
	}
	out := make([]exceptionJSON, 0, len(list))
	for _, e := range list {
		out = append(out, h.toExceptionJSON(e))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"exceptions": out})
	return nil
}
