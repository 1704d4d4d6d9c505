package ui

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/web"
)

// exportReadiness writes the readiness report as CSV: one row per criterion in
// scope with its score, the controls behind it and every gap.
func (h *Handler) exportReadiness(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, _, err := h.assessRequested(r, c)
	if err != nil {
		return err
	}
	name := "readiness"
	if a.Framework.ID != programme.Framework {
		name += "-" + a.Framework.ID
	}
	h.attachment(w, c, name, "csv")
	cw := csv.NewWriter(w)
	cw.Write([]string{"criterion", "title", "category", "score_percent", "ready", "at_risk", "controls", "gaps"})
	for _, rr := range a.Requirements {
		var refs, gaps []string
		for _, ctl := range rr.Controls {
			refs = append(refs, ctl.Ref+" ("+ctl.State+")")
		}
		for _, g := range rr.Gaps {
			gaps = append(gaps, g.Message)
		}
		cw.Write([]string{rr.ID, rr.Title, rr.Category, strconv.Itoa(readiness.Percent(rr.Score)), strconv.FormatBool(rr.Ready), strconv.FormatBool(rr.AtRisk),
			csvSafe(strings.Join(refs, "; ")), csvSafe(strings.Join(gaps, "; "))})
	}
	cw.Write([]string{"overall", "", "", strconv.Itoa(a.Percent), strconv.FormatBool(a.Percent == 100), "", "", fmt.Sprintf("%d criteria in scope", len(a.Requirements))})
	cw.Flush()
	return cw.Error()
}
