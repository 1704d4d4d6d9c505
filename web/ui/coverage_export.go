package ui

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/web"
)

// exportCoverage writes the coverage heatmap as CSV: a row per control with
// its totals and, per month, "covered", "gap", "partial 2/31", "open" (not
// over yet), the number of occurrences of a per-event control, or nothing.
func (h *Handler) exportCoverage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	win, err := coverageWindow(q, h.Now())
	if err != nil {
		return err
	}
	rep, err := h.Evidence.Coverage(r.Context(), c.Org.ID, win)
	if err != nil {
		return err
	}
	hm := evidence.MakeHeatmap(rep, win, q.Get("gaps") == "1")
	h.attachment(w, c, "coverage-"+win.From.String()+"-"+win.To.String(), "csv")
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"control", "name", "frequency", "covered", "periods"}, hm.Months...))
	for _, row := range hm.Rows {
		cc := row.Control
		periods := strconv.Itoa(len(cc.Instances))
		if cc.PerEvent {
			periods = "" // completeness needs the population of events
		}
		rec := []string{csvSafe(cc.Ref), csvSafe(cc.Name), cc.Frequency, strconv.Itoa(cc.Covered), periods}
		for _, cell := range row.Cells {
			switch cell.State {
			case evidence.CellPartial:
				rec = append(rec, "partial "+strconv.Itoa(cell.Covered)+"/"+strconv.Itoa(cell.Total))
			case evidence.CellEvents:
				rec = append(rec, strconv.Itoa(cell.Covered))
			case evidence.CellNone:
				rec = append(rec, "")
			default:
				rec = append(rec, cell.State)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
