package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiResultHistory lists the status changes of one result's test and
// resource, newest first: since when has it failed?
func (h *Handler) apiResultHistory(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.Monitor.Result(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	hist, err := h.Monitor.History(r.Context(), c.P, res.Test, res.Resource.Key, 0)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"result": res, "changes": nonNil(hist)})
	return nil
}
