package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/jobs"
	"github.com/attest-hq/attest/monitor"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type monitoringView struct {
	Tests       []monitor.TestSummary
	Failing     []attest.TestResult // failing (and, with ?status, other) results, not under an exception
	Status      string              // the filter: fail (default), unverifiable, error
	Connections []connectionRow
	Job         *jobs.State // a "Run now" in progress
	Counts      map[string]int
}

type connectionRow struct {
	attest.Connection
	Last attest.CollectionRun
}

// monitoringPage lists the tests with their counts, the resources that fail
// (or cannot be verified) with the reason, and the connections with their
// last collection and "Run now". While a queued run is in progress the page
// refreshes itself until the job is done.
func (h *Handler) monitoringPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	v := monitoringView{Status: r.URL.Query().Get("status"), Counts: map[string]int{}}
	if v.Status == "" {
		v.Status = string(attest.ResultFail)
	}
	if !attest.ResultStatus(v.Status).Valid() {
		return attest.Invalid("status", "unknown status %q", v.Status)
	}
	var err error
	if v.Tests, err = h.Monitor.Counts(ctx, c.P); err != nil {
		return err
	}
	for _, t := range v.Tests {
		for k, n := range t.Counts {
			v.Counts[k] += n
		}
	}
	results, err := h.Monitor.Results(ctx, c.P, store.ResultFilter{Status: attest.ResultStatus(v.Status)})
	if err != nil {
		return err
	}
	for _, res := range results {
		if !res.Excepted() {
			v.Failing = append(v.Failing, res)
		}
	}
	conns, err := h.Connections.List(ctx, c.P)
	if err != nil {
		return err
	}
	for _, conn := range conns {
		row := connectionRow{Connection: conn}
		if last, err := h.Monitor.Collections(ctx, c.P, conn.ID, 1); err != nil {
			return err
		} else if len(last) > 0 {
			row.Last = last[0]
		}
		v.Connections = append(v.Connections, row)
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("job"), 10, 64); err == nil && h.Jobs != nil {
		st, err := h.Jobs.StatusFor(ctx, c.Org.ID, id)
		switch {
		case err == nil:
			v.Job = &st
		case attest.ErrorCode(err) == attest.ENOTFOUND:
			// The queue forgets a job once it has finished.
			v.Job = &jobs.State{ID: id, Status: jobs.Done}
		default:
			return err
		}
	}
	h.Render(w, r, c, http.StatusOK, "monitoring", v)
	return nil
}
