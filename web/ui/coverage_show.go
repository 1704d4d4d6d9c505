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
	if q.Get("from") != "" || q.Get("to") != "" {
		tz := q.Get("tz")
		if tz == "" {
			tz = "UTC"
		}
		win, err := evidence.ParseWindow(q.Get("from"), q.Get("to"), tz)
		if err != nil {
			return attest.Invalid("window", "%v", err)
		}
		if v.Report, err = evidence.Report(r.Context(), &h.DB.Queries, c.Org.ID, win); err != nil {
			return err
		}
		v.Ran = true
	}
	h.Render(w, r, c, http.StatusOK, "coverage", v)
	return nil
}
