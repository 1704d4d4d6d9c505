package ui

import (
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/monitor/engine"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type testView struct {
	Test    *engine.Test
	Custom  bool
	Results []attest.TestResult // a page of them
	Pager   web.Pager
	// MoreFailing: the test fails on resources that are not on this page,
	// so the exception form cannot offer them.
	MoreFailing bool
	Chart       historyChart
	Controls    []attest.Control // the organization's controls the test supports
	Today       string
	MaxDay      string
}

// testPage shows one test: what it checks and how (its CEL), the history of
// its runs as a chart, its current result per resource, and a form to request
// an exception for a failing one.
func (h *Handler) testPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderTest(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderTest(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	t, custom, err := h.Monitor.Test(ctx, c.P, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := testView{Test: t, Custom: custom, Today: attest.Today(h.Now()), MaxDay: h.Now().AddDate(1, 0, 0).Format(time.DateOnly)}
	// A page at a time (a test of a large AWS account judges tens of
	// thousands of resources), counted by the kept aggregate.
	sums, err := h.Monitor.Summaries(ctx, c.P)
	if err != nil {
		return err
	}
	total, failing := 0, 0
	for _, s := range sums {
		if s.ID == t.ID {
			for k, n := range s.Counts {
				if k != "excepted" {
					total += n
				}
			}
			failing = s.Counts[string(attest.ResultFail)]
		}
	}
	v.Pager = web.PageOf(total, r.URL.Query(), web.PageSize)
	if v.Results, err = h.Monitor.Results(ctx, c.P, store.ResultFilter{Test: t.ID, Limit: web.PageSize, Offset: v.Pager.Offset()}); err != nil {
		return err
	}
	for _, res := range v.Results {
		if res.Status == attest.ResultFail {
			failing--
		}
	}
	v.MoreFailing = failing > 0
	runs, err := h.Monitor.Runs(ctx, c.P, t.ID, h.Now().AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	v.Chart = chart(runs)
	controls, err := h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{})
	if err != nil {
		return err
	}
	for _, ctl := range controls {
		for _, ref := range t.Controls {
			if ctl.LibraryID == ref || (ctl.LibraryID == "" && ctl.Ref == ref) {
				v.Controls = append(v.Controls, ctl)
			}
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"expires": h.Now().AddDate(0, 3, 0).Format(time.DateOnly)}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "monitoring_test", v, f)
	return nil
}
