package api

import (
	"net/http"

	"github.com/attest-hq/attest/web"
)

// apiRunConnection collects and tests a connection now: it queues the job
// and answers 202 with its ID (poll GET /orgs/{org}/jobs/{id}); without a
// job queue in this process it runs at once and answers 200 with the run.
func (h *Handler) apiRunConnection(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	conn, err := h.Connections.Get(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	if h.Jobs == nil {
		rep, err := h.Monitor.RunNow(r.Context(), c.P, conn.ID, nil)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"collection": rep.Collection, "results": len(rep.Results), "changes": rep.Changes})
		return nil
	}
	job, err := h.Jobs.Enqueue(r.Context(), c.Org.ID, conn.ID, nil)
	if err != nil {
		return err
	}
	if err := h.Monitor.RunQueued(r.Context(), c.P, conn, job); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, map[string]any{"job": job, "status": "queued"})
	return nil
}
