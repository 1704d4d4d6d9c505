package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/web"
)

type resultView struct {
	Result  attest.TestResult
	History []attest.ResultChange
	Replay  *monitor.Replayed
}

// resultPage shows one result: the verdict and why, since when it holds,
// its history, and what it was judged from (the snapshot and the test
// version), with a button to re-derive it.
func (h *Handler) resultPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderResult(w, r, c, nil)
}

func (h *Handler) renderResult(w http.ResponseWriter, r *http.Request, c *web.Ctx, rp *monitor.Replayed) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	res, err := h.Monitor.Result(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	hist, err := h.Monitor.History(r.Context(), c.P, res.Test, res.Resource.Key, 50)
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "monitoring_result", resultView{Result: res, History: hist, Replay: rp})
	return nil
}

// replayResult re-derives the verdict from its snapshot and test version and
// shows it beside the stored one. It changes nothing, so readers may use it.
func (h *Handler) replayResult(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathInt(r, "id")
	if err != nil {
		return err
	}
	rp, err := h.Monitor.Replay(r.Context(), c.P, id)
	if err != nil {
		return err
	}
	return h.renderResult(w, r, c, &rp)
}
