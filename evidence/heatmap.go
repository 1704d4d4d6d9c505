package evidence

import "fmt"

// The heatmap shows a coverage report as controls × calendar months, the
// grid an auditor scans for holes. Controls of different frequencies share
// the month columns: a month cell sums the control's instances that overlap
// the month (a quarter spans three cells, a year twelve, a month's days fall
// in one).

// Cell states.
const (
	CellCovered = "covered" // every instance overlapping the month has evidence
	CellPartial = "partial" // some do
	CellGap     = "gap"     // none do
	CellOpen    = "open"    // not covered yet, and not over (Coverage.MarkOpen): no gap yet
	CellEvents  = "events"  // a per-event control: Covered counts its occurrences
	CellNone    = "none"    // a per-event control with no occurrence that month
)

// Heatmap is a coverage report laid out by month.
type Heatmap struct {
	Months []string     `json:"months"` // 2026-03, …
	Rows   []HeatmapRow `json:"rows"`
}

// HeatmapRow is one control's months.
type HeatmapRow struct {
	Control ControlCoverage `json:"control"`
	Cells   []HeatmapCell   `json:"cells"`
	HasGap  bool            `json:"has_gap"`
}

// HeatmapCell is one control in one month: how many of the instances
// overlapping the month are covered.
type HeatmapCell struct {
	State   string   `json:"state"`
	Covered int      `json:"covered"`
	Total   int      `json:"total"`
	Labels  []string `json:"labels"` // the instances it sums
}

// Title words a cell for a tooltip and a screen reader.
func (c HeatmapCell) Title() string {
	switch c.State {
	case CellEvents:
		return fmt.Sprintf("%d evidenced occurrence(s)", c.Covered)
	case CellNone:
		return "no evidenced occurrence"
	case CellOpen:
		return fmt.Sprintf("%d of %d %s covered; the rest still running", c.Covered, c.Total, plural(c.Total, "period", "periods"))
	}
	return fmt.Sprintf("%d of %d %s covered", c.Covered, c.Total, plural(c.Total, "period", "periods"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MakeHeatmap lays a report out by month over w; with gapsOnly it keeps the
// controls with at least one uncovered period.
func MakeHeatmap(rep ControlCoverageReport, w Window, gapsOnly bool) Heatmap {
	var h Heatmap
	type month struct{ start, end Date }
	var months []month
	for d := firstOfMonth(w.From); !d.after(w.To); d = lastOfMonth(d).addDays(1) {
		months = append(months, month{d, lastOfMonth(d)})
		h.Months = append(h.Months, fmt.Sprintf("%04d-%02d", d.Y, d.M))
	}
	for _, cc := range rep.Controls {
		row := HeatmapRow{Control: cc, Cells: make([]HeatmapCell, len(months))}
		for i, m := range months {
			cell := &row.Cells[i]
			open := 0
			for _, in := range cc.Instances {
				if !overlaps(in.Start, in.End, m.start, m.end) {
					continue
				}
				cell.Total++
				cell.Labels = append(cell.Labels, in.Label)
				if in.Covered {
					cell.Covered++
				} else if in.Open {
					open++
				}
			}
			switch {
			case cc.PerEvent && cell.Covered > 0:
				cell.State = CellEvents
			case cc.PerEvent:
				cell.State = CellNone
			case cell.Total == 0:
				cell.State = CellNone // no instance falls in this month (cannot happen for a calendar frequency)
			case cell.Covered == cell.Total:
				cell.State = CellCovered
			case cell.Covered+open == cell.Total:
				cell.State = CellOpen // what is missing is still running
			case cell.Covered == 0:
				cell.State = CellGap
			default:
				cell.State = CellPartial
			}
			if cell.State == CellGap || cell.State == CellPartial {
				row.HasGap = true
			}
		}
		if gapsOnly && !row.HasGap {
			continue
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}
