package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// apiJob reports a queued collection's progress: queued, running, done or
// failed (with the error).
func (h *Handler) apiJob(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if h.Jobs == nil {
		return attest.Errorf(attest.ENOTFOUND, "no job %d: this server runs collections at once", id)
	}
	st, err := h.Jobs.StatusFor(r.Context(), c.Org.ID, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}
