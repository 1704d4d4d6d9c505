package ui

import (
	"net/http"
	"net/url"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/web"
)

type coverageView struct {
	Report evidence.ControlCoverageReport
	Query  url.Values
	Ran    bool
}

// coveragePage shows Type 2 coverage for a window.
func (h *Handler) coveragePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	v := coverageView{Query: q}
	f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	if q.Get("from") != "" || q.Get("to") != "" {
		tz := q.Get("tz")
		if tz == "" {
			tz = "UTC"
		}
		win, err := evidence.ParseWindow(q.Get("from"), q.Get("to"), tz)
		if err != nil {
			// Said beside the window on the page itself, input kept.
			f.Fail(attest.Invalid("window", "%v", err))
			h.RenderForm(w, r, c, http.StatusUnprocessableEntity, "coverage", v, f)
			return nil
		}
		if v.Report, err = evidence.Report(r.Context(), &h.DB.Queries, c.Org.ID, win); err != nil {
			return err
		}
		v.Ran = true
	}
	h.RenderForm(w, r, c, http.StatusOK, "coverage", v, f)
	return nil
}
