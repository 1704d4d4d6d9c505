package doc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Page layout, in millimetres on A4.
const (
	margin     = 20.0
	lineHeight = 5.2
	bodySize   = 10.5
)

var parser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()

// writer is a PDF under construction, with the text translated to the core
// fonts' code page (cp1252): curly quotes, dashes and accents survive;
// characters beyond it print as "?" rather than as garbage.
type writer struct {
	pdf   *fpdf.Fpdf
	tr    func(string) string
	width float64 // of the text column
}

func newWriter(s Set, title string) *writer {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	// Fixed dates and sorted objects: the same export is the same file.
	pdf.SetCreationDate(s.Generated.UTC())
	pdf.SetModificationDate(s.Generated.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetProducer("Attest", true)
	w := &writer{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pw, _ := pdf.GetPageSize()
	w.width = pw - 2*margin
	pdf.SetTitle(w.tr(title), false)
	pdf.SetAuthor(w.tr(s.Org), false)
	pdf.AliasNbPages("{nb}")
	return w
}

func (w *writer) font(style string, size float64) { w.pdf.SetFont("Helvetica", style, size) }

// footer numbers every page but the cover: "Org · title · page n of m".
func (w *writer) footer(org, title string) {
	pdf := w.pdf
	pdf.SetFooterFunc(func() {
		if pdf.PageNo() == 1 {
			return // the cover
		}
		pdf.SetY(-12)
		w.font("", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, w.tr(fmt.Sprintf("%s · %s · page %d of {nb}", org, title, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
}

// para writes a block of plain text across the column.
func (w *writer) para(s string, style string, size float64) {
	w.font(style, size)
	w.pdf.MultiCell(0, lineHeight, w.tr(s), "", "L", false)
}

// PDF writes the set as one PDF: a cover, a table of contents when it holds
// more than one policy, then per policy its facts, text, version history
// and approval block; every page numbered.
func PDF(out io.Writer, s Set) error {
	title := s.Org + " policies"
	if len(s.Docs) == 1 {
		title = s.Docs[0].Policy.Title
	}
	w := newWriter(s, title)
	pdf := w.pdf
	w.footer(s.Org, title)

	// The cover.
	pdf.AddPage()
	pdf.SetY(80)
	w.font("B", 26)
	pdf.MultiCell(0, 11, w.tr(title), "", "L", false)
	pdf.Ln(4)
	w.para(s.Org, "", 14)
	pdf.Ln(10)
	w.font("", 10)
	pdf.SetTextColor(90, 90, 90)
	lines := []string{fmt.Sprintf("Exported on %s.", s.Generated.UTC().Format("2 January 2006, 15:04 UTC"))}
	if len(s.Docs) == 1 {
		d := s.Docs[0]
		lines = append(lines, fmt.Sprintf("Version %s, %s.", d.Version.Label, d.Status()))
	} else {
		lines = append(lines, fmt.Sprintf("%d policies, each in its published version.", len(s.Docs)))
	}
	lines = append(lines, "Each version's SHA-256 is the hash recorded in the organization's ledger when it was approved.")
	for _, l := range lines {
		pdf.MultiCell(0, lineHeight, w.tr(l), "", "L", false)
	}
	pdf.SetTextColor(0, 0, 0)

	// The table of contents is written last, on a page kept for it now,
	// once every policy's first page is known.
	contents := 0
	if len(s.Docs) > 1 {
		pdf.AddPage()
		contents = pdf.PageNo()
	}
	type entry struct {
		title, label string
		page, link   int
	}
	var toc []entry
	for _, d := range s.Docs {
		pdf.AddPage()
		link := pdf.AddLink()
		pdf.SetLink(link, -1, pdf.PageNo())
		pdf.Bookmark(w.tr(d.Policy.Title), 0, -1)
		toc = append(toc, entry{d.Policy.Title, d.Version.Label, pdf.PageNo(), link})
		w.document(d)
	}
	if contents > 0 {
		pdf.SetPage(contents)
		pdf.SetY(margin)
		w.font("B", 16)
		pdf.CellFormat(0, 10, "Contents", "", 1, "L", false, 0, "")
		pdf.Ln(2)
		w.font("", bodySize)
		for _, e := range toc {
			label := w.tr(fmt.Sprintf("%s (%s)", e.title, e.label))
			pdf.CellFormat(w.width-15, 7, label, "", 0, "L", false, e.link, "")
			pdf.CellFormat(15, 7, fmt.Sprint(e.page), "", 1, "R", false, e.link, "")
		}
		pdf.SetPage(pdf.PageCount())
	}
	return pdf.Output(out)
}

// document writes one policy from the top of a page.
func (w *writer) document(d Document) {
	pdf := w.pdf
	p, v := d.Policy, d.Version
	w.font("", 8)
	pdf.SetTextColor(90, 90, 90)
	pdf.CellFormat(0, 4, w.tr(strings.ToUpper(p.Key)), "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	w.facts([][2]string{
		{"Version", v.Label + ", " + d.Status()}, {"Owner", orDash(p.OwnerName)}, {"Must accept", p.Audience.String()},
		{"Review by", orDash(v.ReviewBy)}, {"SHA-256", orDash(v.Hash)},
	})
	pdf.Ln(4)
	w.markdown(d.Text())

	pdf.Ln(4)
	w.heading("Version history", 2)
	cols := []float64{16, 22, 56, 30, 23, 23}
	w.row(cols, "B", "Version", "State", "Change", "Author", "Approved", "Published")
	for _, h := range d.History {
		note := kind(h)
		if h.ChangeNote != "" {
			note += ": " + h.ChangeNote
		}
		w.row(cols, "", h.Label, h.State, note, orDash(h.AuthorName), day(h.ApprovedAt), day(h.PublishedAt))
	}
	pdf.Ln(4)
	w.heading("Approval of version "+v.Label, 2)
	if len(v.Approvers) == 0 {
		w.para("No approvers were named.", "", bodySize)
		return
	}
	w.para(fmt.Sprintf("%d of %d named approvers had to approve%s.", v.Quorum, len(v.Approvers),
		map[bool]string{true: "; approved on " + day(v.ApprovedAt), false: ""}[v.ApprovedAt != nil]), "", bodySize)
	pdf.Ln(1)
	for _, a := range v.Approvers {
		w.font("B", bodySize)
		pdf.Write(lineHeight, w.tr(a.Name+": "))
		w.font("", bodySize)
		pdf.Write(lineHeight, w.tr(Approval(a)))
		pdf.Ln(lineHeight + 1)
	}
}

// facts writes label/value pairs as a two-column block.
func (w *writer) facts(rows [][2]string) {
	for _, r := range rows {
		w.font("", 9)
		w.pdf.SetTextColor(90, 90, 90)
		w.pdf.CellFormat(28, lineHeight, w.tr(r[0]), "", 0, "L", false, 0, "")
		w.pdf.SetTextColor(0, 0, 0)
		w.pdf.MultiCell(0, lineHeight, w.tr(r[1]), "", "L", false)
	}
}

// row writes one table row with wrapping cells of the given widths, all as
// tall as the tallest.
func (w *writer) row(widths []float64, style string, cells ...string) {
	pdf := w.pdf
	w.font(style, 8.5)
	h := 4.2
	lines := 1
	split := make([][]string, len(cells))
	for i, c := range cells {
		split[i] = pdf.SplitText(w.tr(c), widths[i]-2)
		lines = max(lines, len(split[i]))
	}
	height := float64(lines)*h + 1.5
	_, ph := pdf.GetPageSize()
	if pdf.GetY()+height > ph-margin {
		pdf.AddPage()
	}
	x, y := pdf.GetX(), pdf.GetY()
	for i, ls := range split {
		pdf.Rect(x, y, widths[i], height, "D")
		for j, l := range ls {
			pdf.SetXY(x+1, y+0.75+float64(j)*h)
			pdf.CellFormat(widths[i]-2, h, l, "", 0, "L", false, 0, "")
		}
		x += widths[i]
	}
	pdf.SetXY(margin, y+height)
}

func (w *writer) heading(s string, level int) {
	sizes := map[int]float64{1: 17, 2: 13.5, 3: 11.5}
	size, ok := sizes[level]
	if !ok {
		size = bodySize
	}
	w.pdf.Ln(2)
	w.font("B", size)
	w.pdf.MultiCell(0, size*0.5, w.tr(s), "", "L", false)
	w.pdf.Ln(1.5)
}

// markdown writes Markdown as the PDF's text: headings, paragraphs with
// bold, italic and code, bullet and numbered lists (nested), quotes, code
// blocks, rules and tables. Raw HTML is left out, as on screen.
func (w *writer) markdown(src string) {
	source := []byte(src)
	root := parser.Parse(text.NewReader(source))
	w.blocks(root, source, 0)
}

func (w *writer) blocks(parent ast.Node, src []byte, indent float64) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		w.block(n, src, indent)
	}
}

func (w *writer) block(n ast.Node, src []byte, indent float64) {
	pdf := w.pdf
	switch n := n.(type) {
	case *ast.Heading:
		w.heading(plain(n, src), n.Level)
	case *ast.Paragraph, *ast.TextBlock:
		w.inline(n, src, indent)
		pdf.Ln(lineHeight + 1.5)
	case *ast.List:
		for i, item := 0, n.FirstChild(); item != nil; i, item = i+1, item.NextSibling() {
			marker := "\x95" // a bullet in cp1252
			if n.IsOrdered() {
				marker = fmt.Sprintf("%d.", n.Start+i)
			}
			w.font("", bodySize)
			pdf.SetX(margin + indent)
			pdf.CellFormat(6, lineHeight, marker, "", 0, "R", false, 0, "")
			w.listItem(item, src, indent+7)
		}
		pdf.Ln(1)
	case *ast.Blockquote:
		w.font("I", bodySize)
		w.blocks(n, src, indent+6)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(src))
		}
		pdf.SetX(margin + indent)
		w.font("", 9)
		pdf.SetFont("Courier", "", 9)
		pdf.MultiCell(w.width-indent, 4.5, w.tr(strings.TrimRight(b.String(), "\n")), "", "L", false)
		pdf.Ln(2)
	case *ast.ThematicBreak:
		y := pdf.GetY() + 2
		pdf.Line(margin, y, margin+w.width, y)
		pdf.Ln(5)
	case *east.Table:
		w.table(n, src)
	case *ast.HTMLBlock:
		// Raw HTML is not part of a policy as people read it.
	default:
		w.blocks(n, src, indent)
	}
}

// listItem writes an item's blocks beside its marker: the first block on the
// marker's line, the rest (nested lists included) below it, indented.
func (w *writer) listItem(item ast.Node, src []byte, indent float64) {
	pdf := w.pdf
	left, _, _, _ := pdf.GetMargins()
	pdf.SetLeftMargin(margin + indent)
	defer pdf.SetLeftMargin(left)
	first := true
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			if !first {
				pdf.SetX(margin + indent)
			}
			w.inline(c, src, indent)
			pdf.Ln(lineHeight + 0.5)
		default:
			if first {
				pdf.Ln(lineHeight)
			}
			w.block(c, src, indent)
		}
		first = false
	}
}

// inline writes a paragraph's text, switching fonts for emphasis and code.
func (w *writer) inline(n ast.Node, src []byte, indent float64) {
	pdf := w.pdf
	left, _, _, _ := pdf.GetMargins()
	pdf.SetLeftMargin(margin + indent)
	defer pdf.SetLeftMargin(left)
	if pdf.GetX() < margin+indent {
		pdf.SetX(margin + indent)
	}
	// skip is the raw element whose content is being left out, such as
	// "script": the sanitizer drops such elements with their content on
	// screen, so the PDF does too.
	skip := ""
	var walk func(n ast.Node, style string)
	walk = func(n ast.Node, style string) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if raw, ok := c.(*ast.RawHTML); ok {
				tag := rawTag(raw, src)
				switch {
				case skip == "" && (tag == "script" || tag == "style" || tag == "noscript" || tag == "iframe" || tag == "object"):
					skip = tag
				case skip != "" && tag == "/"+skip:
					skip = ""
				}
				continue
			}
			if skip != "" {
				continue
			}
			switch c := c.(type) {
			case *ast.Text:
				w.font(style, bodySize)
				pdf.Write(lineHeight, w.tr(string(c.Segment.Value(src))))
				if c.HardLineBreak() {
					pdf.Ln(lineHeight)
				} else if c.SoftLineBreak() {
					pdf.Write(lineHeight, " ")
				}
			case *ast.String:
				w.font(style, bodySize)
				pdf.Write(lineHeight, w.tr(string(c.Value)))
			case *ast.Emphasis:
				s := "I"
				if c.Level == 2 {
					s = "B"
				}
				walk(c, mergeStyle(style, s))
			case *ast.CodeSpan:
				pdf.SetFont("Courier", "", bodySize-0.5)
				pdf.Write(lineHeight, w.tr(plain(c, src)))
			case *ast.Link:
				w.font(mergeStyle(style, "U"), bodySize)
				pdf.SetTextColor(31, 79, 209)
				pdf.WriteLinkString(lineHeight, w.tr(plain(c, src)), string(c.Destination))
				pdf.SetTextColor(0, 0, 0)
			case *ast.AutoLink:
				url := string(c.URL(src))
				w.font(mergeStyle(style, "U"), bodySize)
				pdf.WriteLinkString(lineHeight, w.tr(url), url)
			case *ast.Image:
				// Left out, as on screen.
			default:
				walk(c, style)
			}
		}
	}
	walk(n, "")
}

// rawTag is the lower-case name of an inline HTML tag, "/name" when it
// closes one.
func rawTag(n *ast.RawHTML, src []byte) string {
	var b strings.Builder
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		b.Write(seg.Value(src))
	}
	s := strings.TrimPrefix(strings.ToLower(b.String()), "<")
	end := strings.IndexAny(s, " \t\n>/")
	if strings.HasPrefix(s, "/") {
		end = strings.IndexAny(s[1:], " \t\n>") + 1
	}
	if end <= 0 {
		return s
	}
	return s[:end]
}

func mergeStyle(a, b string) string {
	if strings.Contains(a, b) {
		return a
	}
	return a + b
}

// table writes a Markdown table with equal columns.
func (w *writer) table(t *east.Table, src []byte) {
	var rows [][]string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, plain(c, src))
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return
	}
	cols := make([]float64, len(rows[0]))
	for i := range cols {
		cols[i] = w.width / float64(len(cols))
	}
	for i, r := range rows {
		for len(r) < len(cols) {
			r = append(r, "")
		}
		style := ""
		if i == 0 {
			style = "B"
		}
		w.row(cols, style, r[:len(cols)]...)
	}
	w.pdf.Ln(3)
}

// plain is the text of a node without its markup.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// MarkdownPDF writes one Markdown document that is not a policy (a draft
// system description, a draft management assertion) as a PDF in the same
// style: a cover with its title, the organization and the day it was
// drafted, then the text, every page numbered.
func MarkdownPDF(out io.Writer, org, title, markdown string, generated time.Time) error {
	note := "Drafted on " + generated.UTC().Format("2 January 2006") + ". A draft to review and complete before it is shared."
	return NotedPDF(out, org, title, note, markdown, generated)
}

// NotedPDF is MarkdownPDF with the cover's note under the organization given
// (an export's summary is generated, not drafted).
func NotedPDF(out io.Writer, org, title, note, markdown string, generated time.Time) error {
	w := newWriter(Set{Org: org, Generated: generated}, title)
	pdf := w.pdf
	w.footer(org, title)
	pdf.AddPage()
	pdf.SetY(80)
	w.font("B", 26)
	pdf.MultiCell(0, 11, w.tr(title), "", "L", false)
	pdf.Ln(4)
	w.para(org, "", 14)
	pdf.Ln(10)
	w.font("", 10)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, lineHeight, w.tr(note), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	pdf.AddPage()
	w.markdown(markdown)
	return pdf.Output(out)
}
