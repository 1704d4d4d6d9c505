package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiResult shows one current result, with the exception exempting it.
func (h *Handler) apiResult(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.Monitor.Result(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, res)
	return nil
}
