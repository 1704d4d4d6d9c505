package soa

import (
	"fmt"
	"io"

	"codeberg.org/go-pdf/fpdf"
)

const (
	margin     = 12.0
	lineHeight = 4.2
)

// WritePDF writes the document as a landscape A4 table, every page numbered.
// The core fonts' code page (cp1252) carries the text: characters beyond it
// print as "?". Fixed dates make the same document the same file.
func WritePDF(out io.Writer, d Document) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCreationDate(d.Generated.UTC())
	pdf.SetModificationDate(d.Generated.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetProducer("Attest", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(tr("Statement of Applicability: "+d.Organization), false)
	pdf.SetAuthor(tr(d.Organization), false)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 4, tr(fmt.Sprintf("%s: Statement of Applicability, %s. Page %d of {nb}", d.Organization, d.Framework, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, tr("Statement of Applicability"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	applicable, excluded := d.Counts()
	pdf.MultiCell(0, 5, tr(fmt.Sprintf("%s, %s. Generated %s. %d controls of Annex A: %d applicable, %d excluded.",
		d.Organization, d.Framework, d.Generated.UTC().Format("2 January 2006 15:04 MST"), len(d.Rows), applicable, excluded)), "", "L", false)
	pdf.Ln(3)
	widths := []float64{62, 22, 62, 28, 99}
	header := []string{"Control", "Applicability", "Justification", "Status", "Implemented by"}
	row := func(style string, cells ...string) {
		pdf.SetFont("Helvetica", style, 8)
		lines := 1
		split := make([][]string, len(cells))
		for i, c := range cells {
			split[i] = pdf.SplitText(tr(c), widths[i]-2)
			lines = max(lines, len(split[i]))
		}
		height := float64(lines)*lineHeight + 1.5
		_, ph := pdf.GetPageSize()
		if pdf.GetY()+height > ph-margin-6 {
			pdf.AddPage()
		}
		x, y := pdf.GetX(), pdf.GetY()
		for i, ls := range split {
			pdf.Rect(x, y, widths[i], height, "D")
			for j, l := range ls {
				pdf.SetXY(x+1, y+0.75+float64(j)*lineHeight)
				pdf.CellFormat(widths[i]-2, lineHeight, l, "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		pdf.SetXY(margin, y+height)
	}
	theme := ""
	for _, r := range d.Rows {
		if r.Theme != theme {
			theme = r.Theme
			pdf.Ln(2)
			pdf.SetFont("Helvetica", "B", 11)
			pdf.CellFormat(0, 7, tr(theme), "", 1, "L", false, 0, "")
			row("B", header...)
		}
		row("", r.ID+" "+r.Title, r.Applicability(), r.Justification, r.Status(), r.Implementation())
	}
	return pdf.Output(out)
}
