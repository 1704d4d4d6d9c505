package ui

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

// jobsView is the install's job processes and queue, as `attest jobs`
// shows them.
type jobsView struct {
	LostAfter   time.Duration
	Processes   []jobProcessRow
	Alive, Lost int
	Queue       []store.JobCount
}

type jobProcessRow struct {
	ID, Host      string
	PID           int
	Up, LastHeard time.Duration // to the second
	Lost          bool
}

// jobsPage shows an admin which job processes (serve and worker) are alive
// or lost, and what the job queue holds by kind and state: the facts of
// `attest jobs`, judged by the same board.
func (h *Handler) jobsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ov, err := h.JobBoard.OverviewFor(r.Context(), c.P)
	if err != nil {
		return err
	}
	v := jobsView{LostAfter: ov.LostAfter, Queue: ov.Queue}
	for _, p := range ov.Processes {
		v.Processes = append(v.Processes, jobProcessRow{ID: p.ID, Host: p.Host, PID: p.PID,
			Up: p.Up.Round(time.Second), LastHeard: p.Silent.Round(time.Second), Lost: p.Lost})
	}
	v.Alive, v.Lost = jobs.Tally(ov.Processes)
	h.Render(w, r, c, http.StatusOK, "jobs", v)
	return nil
}
