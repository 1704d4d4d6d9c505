package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiReplay re-derives a result's verdict from its snapshot and test
// version. It changes nothing, so readers (auditors) may call it.
func (h *Handler) apiReplay(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rp, err := h.Monitor.Replay(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rp)
	return nil
}
