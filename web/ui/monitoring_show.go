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
	Pager       web.Pager // of Failing
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
	if v.Tests, err = h.Monitor.Summaries(ctx, c.P); err != nil {
		return err
	}
	for _, t := range v.Tests {
		for k, n := range t.Counts {
			v.Counts[k] += n
		}
	}
	// A page of the results at a time (a large AWS account fails tens of
	// thousands), counted by the aggregate just read: failing results
	// under an exception are left out of both.
	total := v.Counts[v.Status]
	if v.Status == string(attest.ResultFail) {
		total -= v.Counts["excepted"]
	}
	v.Pager = web.PageOf(total, r.URL.Query(), web.PageSize)
	v.Failing, err = h.Monitor.Results(ctx, c.P, store.ResultFilter{Status: attest.ResultStatus(v.Status), Unexcepted: true,
		Limit: web.PageSize, Offset: v.Pager.Offset()})
	if err != nil {
		return err
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
