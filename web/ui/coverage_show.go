package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/web"
)

type coverageView struct {
	Report   evidence.ControlCoverageReport
	Heatmap  evidence.Heatmap
	Query    url.Values
	Window   evidence.Window
	GapsOnly bool
	Export   string // the CSV link with the same window and filter
	Pager    web.Pager
}

// coverageWindow reads the window of a coverage request: from, to and tz,
// or, without dates, the last twelve months (an audit's window once audits
// exist).
func coverageWindow(q url.Values, now time.Time) (evidence.Window, error) {
	tz := q.Get("tz")
	if tz == "" {
		tz = "UTC"
	}
	if q.Get("from") == "" && q.Get("to") == "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return evidence.Window{}, attest.Invalid("window", "time zone %q is not known (use names like UTC or Europe/Dublin)", tz)
		}
		return evidence.LastTwelveMonths(now, loc), nil
	}
	w, err := evidence.ParseWindow(q.Get("from"), q.Get("to"), tz)
	if err != nil {
		return w, attest.Invalid("window", "%v", err)
	}
	return w, nil
}

// coveragePage shows Type 2 coverage as a heatmap of controls × months over
// a window, optionally only the controls with a gap.
func (h *Handler) coveragePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	v := coverageView{Query: q, GapsOnly: q.Get("gaps") == "1"}
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	win, err := coverageWindow(q, h.Now())
	if err != nil {
		// Said beside the window on the page itself, input kept.
		f.Fail(err)
		h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "coverage", v, f)
		return nil
	}
	if v.Report, err = h.Evidence.Coverage(r.Context(), c.Org.ID, win); err != nil {
		return err
	}
	v.Window, v.Heatmap = win, evidence.MakeHeatmap(v.Report, win, v.GapsOnly)
	v.Heatmap.Rows, v.Pager = web.Paginate(v.Heatmap.Rows, q, web.PageSize)
	exp := url.Values{"from": {win.From.String()}, "to": {win.To.String()}, "tz": {win.Loc.String()}}
	if v.GapsOnly {
		exp.Set("gaps", "1")
	}
	v.Export = "/o/" + c.Org.Slug + "/coverage.csv?" + exp.Encode()
	h.RenderForm(w, r, c, http.StatusOK, "coverage", v, f)
	return nil
}
