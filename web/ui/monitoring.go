package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// monitoringRoutes are the pages of continuous monitoring. Readers (auditors
// included) see tests, results, history and exceptions, and may replay a
// verdict; editors run connections, request, approve and revoke exceptions
// and write the organization's own tests.
func (h *Handler) monitoringRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/monitoring", web.Read, h.monitoringPage).Kept(keepMonitoring),
		route("GET", "/o/{org}/monitoring/tests/new", web.Edit, h.newTestPage),
		route("POST", "/o/{org}/monitoring/tests", web.Edit, h.saveTest),
		route("GET", "/o/{org}/monitoring/tests/{id}", web.Read, h.testPage),
		route("POST", "/o/{org}/monitoring/tests/{id}/delete", web.Edit, h.deleteTest),
		route("GET", "/o/{org}/monitoring/results/{id}", web.Read, h.resultPage),
		route("POST", "/o/{org}/monitoring/results/{id}/replay", web.Read, h.replayResult),
		route("GET", "/o/{org}/monitoring/exceptions", web.Read, h.exceptionsPage),
		route("POST", "/o/{org}/monitoring/exceptions", web.Edit, h.requestException),
		route("POST", "/o/{org}/monitoring/exceptions/{id}/approve", web.Edit, h.approveException),
		route("POST", "/o/{org}/monitoring/exceptions/{id}/revoke", web.Edit, h.revokeException),
		route("POST", "/o/{org}/connections/{id}/run", web.Edit, h.runConnection),
		route("POST", "/o/{org}/connections/{id}/webhook", web.Edit, h.makeWebhookSecret),
	}
}

// keepMonitoring keeps the monitoring page, except while it follows a
// queued run (?job=): the queue's state is not among the organization's
// records.
func keepMonitoring(_ context.Context, r *http.Request, _ *web.Ctx) (string, bool, error) {
	return "", !r.URL.Query().Has("job"), nil
}

// historyChart is a server-rendered SVG of a test's runs: stacked bars of
// pass, fail, unverifiable and error per collection, oldest on the left.
type historyChart struct {
	Bars   []historyBar
	Width  int
	Height int
	Max    int
	From   time.Time
	To     time.Time
}

type historyBar struct {
	X                                 int
	Pass, Fail, Unverified, Error     float64 // heights
	YPass, YFail, YUnverified, YError float64 // tops
	Run                               attest.TestRun
	Title                             string
}

// chart lays out runs (oldest first) in a 600 × 120 box, at most the last 60.
func chart(runs []attest.TestRun) historyChart {
	if len(runs) > 60 {
		runs = runs[len(runs)-60:]
	}
	c := historyChart{Width: 600, Height: 120}
	if len(runs) == 0 {
		return c
	}
	c.From, c.To = runs[0].At, runs[len(runs)-1].At
	for _, r := range runs {
		c.Max = max(c.Max, r.Pass+r.Fail+r.Unverifiable+r.Error)
	}
	if c.Max == 0 {
		c.Max = 1
	}
	step := c.Width / len(runs)
	scale := float64(c.Height) / float64(c.Max)
	for i, r := range runs {
		b := historyBar{X: i * step, Run: r,
			Pass: float64(r.Pass) * scale, Fail: float64(r.Fail) * scale, Unverified: float64(r.Unverifiable) * scale, Error: float64(r.Error) * scale}
		y := float64(c.Height)
		y -= b.Pass
		b.YPass = y
		y -= b.Unverified
		b.YUnverified = y
		y -= b.Error
		b.YError = y
		y -= b.Fail
		b.YFail = y
		b.Title = fmt.Sprintf("%s: %d pass, %d fail, %d unverifiable, %d error", r.At.UTC().Format("2006-01-02 15:04"), r.Pass, r.Fail,
			r.Unverifiable, r.Error)
		c.Bars = append(c.Bars, b)
	}
	return c
}

// pathInt reads a numeric path parameter.
func pathInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, attest.Errorf(attest.ENOTFOUND, "no %s %q", name, r.PathValue(name))
	}
	return id, nil
}
