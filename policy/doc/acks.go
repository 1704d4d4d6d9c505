package doc

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/attest-hq/attest"
)

// ackHeader names the acknowledgement report's columns.
var ackHeader = []string{"person", "email", "department", "policy", "policy_title", "version", "state", "due", "accepted_at", "accepted_version"}

func ackCells(r attest.AckRow) []string {
	accepted := ""
	if r.AcceptedAt != nil {
		accepted = r.AcceptedAt.UTC().Format(time.RFC3339)
	}
	return []string{r.PersonName, r.PersonEmail, r.Department, r.PolicyKey, r.PolicyTitle, r.VersionLabel, r.State, r.Due, accepted, r.Accepted}
}

// AckCSV writes the acknowledgement report as CSV, one row per person and
// policy. A cell that a spreadsheet would run as a formula (starting with =,
// +, -, @, a tab or a carriage return) is prefixed with a quote, since names
// and departments come from people and CSV imports.
func AckCSV(w io.Writer, rows []attest.AckRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ackHeader); err != nil {
		return err
	}
	for _, r := range rows {
		cells := ackCells(r)
		for i, c := range cells {
			cells[i] = attest.SafeCSV(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// AckPDF writes the acknowledgement report as a PDF table, overdue people
// first and marked, with the counts on top.
func AckPDF(out io.Writer, org string, rows []attest.AckRow, generated time.Time) error {
	w := newWriter(Set{Org: org, Generated: generated}, org+" policy acknowledgements")
	pdf := w.pdf
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		w.font("", 8)
		pdf.CellFormat(0, 5, w.tr(fmt.Sprintf("%s · policy acknowledgements · page %d of {nb}", org, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	w.font("B", 16)
	pdf.MultiCell(0, 8, w.tr(org+": policy acknowledgements"), "", "L", false)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.State]++
	}
	w.para(fmt.Sprintf("As of %s: %d accepted, %d pending, %d overdue, of %d people and policies.",
		generated.UTC().Format("2 January 2006, 15:04 UTC"), counts[attest.AckAccepted], counts[attest.AckPending], counts[attest.AckOverdue], len(rows)), "", 10)
	pdf.Ln(3)
	cols := []float64{36, 32, 24, 11, 19, 20, 28}
	w.row(cols, "B", "Person", "Policy", "Department", "Ver.", "Status", "Due", "Accepted")
	rank := map[string]int{attest.AckOverdue: 0, attest.AckPending: 1, attest.AckAccepted: 2}
	for pass := 0; pass < 3; pass++ {
		for _, r := range rows {
			if rank[r.State] != pass {
				continue
			}
			accepted := "—"
			if r.AcceptedAt != nil {
				accepted = r.AcceptedAt.UTC().Format(time.DateOnly) + " (" + r.Accepted + ")"
			}
			state := r.State
			if state == attest.AckOverdue {
				state = "OVERDUE"
			}
			w.row(cols, "", r.PersonName+"\n"+r.PersonEmail, r.PolicyTitle, orDash(r.Department), r.VersionLabel, state, r.Due, accepted)
		}
	}
	return pdf.Output(out)
}
